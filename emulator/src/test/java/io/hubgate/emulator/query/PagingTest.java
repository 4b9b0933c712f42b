package io.hubgate.emulator.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Keyset paging, look-ahead, TOP across pages, and how much work one page costs. */
class PagingTest {

    private final QueryExecutor executor = new QueryExecutor();

    private static InMemoryRows devices(int count) {
        InMemoryRows rows = new InMemoryRows();
        for (int i = 0; i < count; i++) {
            rows.device(id(i), "{'tags': {'n': " + i + "}}");
        }
        return rows;
    }

    private static String id(int i) {
        return String.format("dev%06d", i);
    }

    private static List<String> ids(List<JsonNode> items) {
        return items.stream().map(item -> item.get("deviceId").textValue()).toList();
    }

    private static List<String> idRange(int from, int toExclusive) {
        return IntStream.range(from, toExclusive).mapToObj(PagingTest::id).toList();
    }

    @Test
    void selectStarReturnsEveryRowExactlyOnceAcrossPages() throws QueryException {
        List<QueryPage> pages = devices(23).pages("SELECT * FROM devices", 5);

        assertThat(pages).extracting(page -> page.items().size()).containsExactly(5, 5, 5, 5, 3);
        assertThat(ids(pages.stream().flatMap(p -> p.items().stream()).toList())).isEqualTo(idRange(0, 23));
        assertThat(pages.get(4).continuationToken()).isNull();
    }

    @Test
    void filteredQueryPagesOverMatchingRowsOnly() throws QueryException {
        List<QueryPage> pages = devices(30).pages("SELECT deviceId FROM devices WHERE tags.n % 3 = 0", 4);

        assertThat(pages).extracting(page -> page.items().size()).containsExactly(4, 4, 2);
        assertThat(ids(pages.stream().flatMap(p -> p.items().stream()).toList()))
                .containsExactly(id(0), id(3), id(6), id(9), id(12), id(15), id(18), id(21), id(24), id(27));
    }

    @Test
    void noTokenIsReturnedWhenExactlyAPageOfItemsRemains() throws QueryException {
        List<QueryPage> pages = devices(10).pages("SELECT * FROM devices", 5);

        assertThat(pages).hasSize(2);
        assertThat(pages.get(0).continuationToken()).isNotNull();
        assertThat(pages.get(1).items()).hasSize(5);
        assertThat(pages.get(1).continuationToken()).isNull();
    }

    @Test
    void noTokenIsReturnedWhenTheRemainingRowsDoNotMatch() throws QueryException {
        List<QueryPage> pages = devices(12).pages("SELECT * FROM devices WHERE tags.n < 5", 5);

        assertThat(pages).hasSize(1);
        assertThat(pages.get(0).items()).hasSize(5);
        assertThat(pages.get(0).continuationToken()).isNull();
    }

    @Test
    void anEmptyResultIsOnePageWithoutToken() throws QueryException {
        List<QueryPage> pages = devices(5).pages("SELECT * FROM devices WHERE tags.n > 100", 5);

        assertThat(pages).hasSize(1);
        assertThat(pages.get(0).items()).isEmpty();
        assertThat(pages.get(0).continuationToken()).isNull();
    }

    @Test
    void topLimitsItemsAcrossAllPages() throws QueryException {
        List<QueryPage> pages = devices(20).pages("SELECT TOP 7 * FROM devices", 3);

        assertThat(pages).extracting(page -> page.items().size()).containsExactly(3, 3, 1);
        assertThat(ids(pages.stream().flatMap(p -> p.items().stream()).toList())).isEqualTo(idRange(0, 7));
    }

    @Test
    void topEndingOnAPageBoundaryReturnsNoToken() throws QueryException {
        List<QueryPage> pages = devices(20).pages("SELECT TOP 6 deviceId FROM devices WHERE tags.n >= 2", 3);

        assertThat(pages).hasSize(2);
        assertThat(ids(pages.stream().flatMap(p -> p.items().stream()).toList())).isEqualTo(idRange(2, 8));
        assertThat(pages.get(1).continuationToken()).isNull();
    }

    @Test
    void topZeroReturnsNothing() throws QueryException {
        List<QueryPage> pages = devices(3).pages("SELECT TOP 0 * FROM devices", 5);

        assertThat(pages).hasSize(1);
        assertThat(pages.get(0).items()).isEmpty();
        assertThat(pages.get(0).continuationToken()).isNull();
    }

    @Test
    void pagingResumesAfterTheLastReturnedRowEvenWhenItWasDeleted() throws QueryException {
        InMemoryRows rows = devices(10);
        TwinQuery query = TwinQuery.parse("SELECT * FROM devices");
        QueryPage first = executor.execute(query, rows, 3, null);

        rows.remove(id(2));
        rows.remove(id(3));
        QueryPage second = executor.execute(query, rows, 3, first.continuationToken());

        assertThat(ids(first.items())).isEqualTo(idRange(0, 3));
        assertThat(ids(second.items())).isEqualTo(idRange(4, 7));
    }

    @Test
    void rowsInsertedBehindTheCursorAreNotRepeatedAndRowsAheadAreSeen() throws QueryException {
        InMemoryRows rows = devices(6);
        TwinQuery query = TwinQuery.parse("SELECT deviceId FROM devices");
        QueryPage first = executor.execute(query, rows, 3, null);

        rows.device("dev000000a");
        rows.device("dev000004a");
        QueryPage second = executor.execute(query, rows, 10, first.continuationToken());

        assertThat(ids(second.items())).containsExactly(id(3), id(4), "dev000004a", id(5));
        assertThat(second.continuationToken()).isNull();
    }

    @Test
    void aPageOfOneHundredReadsOnlyOneHundredAndOneRowsOfAHundredThousand() throws QueryException {
        InMemoryRows rows = devices(100_000);
        TwinQuery query = TwinQuery.parse("SELECT * FROM devices");

        QueryPage first = executor.execute(query, rows, 100, null);
        assertThat(rows.rowsRead.get()).isEqualTo(101);
        assertThat(rows.documentsBuilt.get()).isEqualTo(100);

        rows.rowsRead.set(0);
        QueryPage second = executor.execute(query, rows, 100, first.continuationToken());
        assertThat(rows.rowsRead.get()).isEqualTo(101);
        assertThat(ids(second.items())).isEqualTo(idRange(100, 200));
    }

    @Test
    void aSelectiveFilterBuildsJsonOnlyForMatchingRows() throws QueryException {
        InMemoryRows rows = devices(2_000);

        List<JsonNode> items = rows.runAll("SELECT * FROM devices WHERE tags.n = 1500 OR deviceId = 'dev000007'", 100);

        assertThat(ids(items)).containsExactly(id(7), id(1500));
        assertThat(rows.documentsBuilt.get()).isEqualTo(2);
    }

    @Test
    void projectionsNeverBuildTwinJson() throws QueryException {
        InMemoryRows rows = devices(50);

        rows.runAll("SELECT deviceId, tags.n FROM devices WHERE tags.n > 10", 7);

        assertThat(rows.documentsBuilt.get()).isZero();
    }

    @Test
    void outOfRangePageSizesAreClamped() throws QueryException {
        InMemoryRows rows = devices(1_500);
        TwinQuery query = TwinQuery.parse("SELECT deviceId FROM devices");

        assertThat(executor.execute(query, rows, 0, null).items()).hasSize(1);
        assertThat(executor.execute(query, rows, 5_000, null).items()).hasSize(1_000);
    }

    @Test
    void moduleTwinsPageByTheirOwnKeys() throws QueryException {
        InMemoryRows rows = new InMemoryRows();
        for (int d = 0; d < 3; d++) {
            for (int m = 0; m < 3; m++) {
                rows.module("dev" + d, "mod" + m, "{}");
            }
        }
        rows.device("devOnly");

        List<JsonNode> items = rows.runAll("SELECT deviceId, moduleId FROM devices.modules WHERE moduleId != 'mod1'", 2);

        assertThat(items).extracting(item -> item.get("deviceId").textValue() + "/" + item.get("moduleId").textValue())
                .containsExactly("dev0/mod0", "dev0/mod2", "dev1/mod0", "dev1/mod2", "dev2/mod0", "dev2/mod2");
    }

    @Test
    void theExecutorIsStatelessSoPagesCanBeServedInAnyOrder() throws QueryException {
        InMemoryRows rows = devices(9);
        TwinQuery query = TwinQuery.parse("SELECT * FROM devices");
        QueryPage first = executor.execute(query, rows, 3, null);
        QueryPage second = executor.execute(query, rows, 3, first.continuationToken());

        QueryPage secondAgain = new QueryExecutor().execute(TwinQuery.parse("SELECT * FROM devices"), rows, 3,
                first.continuationToken());

        assertThat(secondAgain).isEqualTo(second);
    }

    @Test
    void oneQueryAndOneExecutorServeManyThreadsAtOnce() throws Exception {
        InMemoryRows rows = devices(500);
        TwinQuery query = TwinQuery.parse("SELECT deviceId FROM devices WHERE tags.n % 2 = 1");
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<String>>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int pageSize = 3 + t;
                results.add(threads.submit(() -> {
                    List<String> seen = new ArrayList<>();
                    String token = null;
                    do {
                        QueryPage page = executor.execute(query, rows, pageSize, token);
                        seen.addAll(ids(page.items()));
                        token = page.continuationToken();
                    } while (token != null);
                    return seen;
                }));
            }
            List<String> expected = IntStream.range(0, 500).filter(i -> i % 2 == 1).mapToObj(PagingTest::id).toList();
            for (Future<List<String>> result : results) {
                assertThat(result.get()).isEqualTo(expected);
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
