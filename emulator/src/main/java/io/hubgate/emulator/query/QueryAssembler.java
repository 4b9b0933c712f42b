package io.hubgate.emulator.query;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns the parser's raw pieces into a {@link TwinQuery}: strips {@code devices.} qualifiers,
 * checks the rules that are not syntax (where aggregates may appear, what a grouped query may
 * select) and names the output keys. It does not read tokens.
 */
final class QueryAssembler {

    /** A SELECT item as written. @param alias the AS name, or null */
    record RawItem(Expression expression, String alias) {
    }

    private final String text;
    private final QuerySource source;
    private final long top;
    private final boolean selectAll;
    private final List<RawItem> rawItems;
    private final Expression where;
    private final List<Expression> groupBy;

    QueryAssembler(String text, QuerySource source, long top, boolean selectAll, List<RawItem> rawItems,
            Expression where, List<Expression> groupBy) {
        this.text = text;
        this.source = source;
        this.top = top;
        this.selectAll = selectAll;
        this.rawItems = rawItems;
        this.where = where == null ? null : unqualified(where);
        this.groupBy = groupBy.stream().map(this::unqualified).toList();
    }

    TwinQuery assemble() throws QueryException {
        if (source == QuerySource.JOBS && (!selectAll || !groupBy.isEmpty())) {
            throw QueryException.invalid("queries over devices.jobs select whole job entries: use SELECT * without "
                    + "GROUP BY or aggregates");
        }
        if (where != null && where.containsAggregate()) {
            throw QueryException.invalid("aggregate functions are only allowed in the SELECT list, not in WHERE");
        }
        for (Expression group : groupBy) {
            if (group.containsAggregate()) {
                throw QueryException.invalid("aggregate functions are only allowed in the SELECT list, not in GROUP BY");
            }
        }
        if (selectAll && !groupBy.isEmpty()) {
            throw QueryException.invalid("SELECT * cannot be combined with GROUP BY; select the grouped properties and aggregates");
        }
        List<SelectItem> items = name(rawItems);
        boolean aggregate = !groupBy.isEmpty() || items.stream().anyMatch(SelectItem::isAggregate);
        for (SelectItem item : items) {
            checkAggregatePlacement(item);
            if (aggregate && !item.isAggregate() && !isGroupExpression(item.expression())) {
                throw QueryException.invalid("'" + item.outputName() + "' is neither an aggregate nor a GROUP BY expression,"
                        + " so it cannot be selected in an aggregate query");
            }
        }
        return new TwinQuery(text, source, top, selectAll, items, where, groupBy);
    }

    private static void checkAggregatePlacement(SelectItem item) throws QueryException {
        Expression expression = item.expression();
        if (expression instanceof AggregateCall call) {
            if (call.argument() != null && call.argument().containsAggregate()) {
                throw QueryException.invalid("aggregate functions cannot be nested");
            }
        } else if (expression.containsAggregate()) {
            throw QueryException.invalid("an aggregate function must be a whole SELECT item, as in SELECT COUNT() AS n");
        }
    }

    /**
     * Output keys: the alias, else a path's name, else {@code $n}. Aliases are claimed first, so an
     * implicit name that clashes with an alias or an earlier implicit name falls back to {@code $n}.
     */
    private List<SelectItem> name(List<RawItem> raw) throws QueryException {
        Set<String> taken = new HashSet<>();
        for (RawItem item : raw) {
            if (item.alias() != null && !taken.add(item.alias())) {
                throw QueryException.invalid("the alias '" + item.alias() + "' is used more than once");
            }
        }
        List<SelectItem> items = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
            RawItem item = raw.get(i);
            Expression expression = unqualified(item.expression());
            String name = item.alias();
            if (name == null) {
                name = expression instanceof PropertyPath path ? path.outputName() : "$" + (i + 1);
                if (!taken.add(name)) {
                    name = "$" + (i + 1);
                    taken.add(name);
                }
            }
            items.add(new SelectItem(expression, name));
        }
        return items;
    }

    private boolean isGroupExpression(Expression expression) {
        Expression canonical = canonical(expression);
        return groupBy.stream().anyMatch(group -> canonical(group).equals(canonical));
    }

    /** Root property names match case-insensitively, so compare paths with a lower-cased root. */
    private static Expression canonical(Expression expression) {
        return expression.mapPaths(path -> {
            List<String> segments = new ArrayList<>(path.segments());
            segments.set(0, segments.get(0).toLowerCase(Locale.ROOT));
            return new PropertyPath(segments);
        });
    }

    private Expression unqualified(Expression expression) {
        return expression.mapPaths(path -> path.withoutQualifier(source));
    }
}
