package io.hubgate.readme;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shell blocks of a Markdown file that are marked for testing: an HTML comment
 * {@code <!-- readme-test: NAME -->} on the line before a {@code ```sh} fence (blank lines
 * between are allowed). Invisible when the page is rendered, visible to whoever edits it.
 *
 * <p>It only finds and checks the marks; it runs nothing. A mark that is not followed by a shell
 * block, a name used twice, or a required name that is missing is an {@link IllegalStateException}
 * naming the line or the name, so that a README edit that drops or breaks a tested block fails
 * loudly instead of being skipped.
 */
final class ReadmeBlocks {

    /** One marked block: its name, its text (without the fences) and the line of its mark. */
    record Block(String name, String script, int line) {
    }

    private static final Pattern MARK = Pattern.compile("^<!--\\s*readme-test:\\s*([a-z0-9-]+)\\s*-->\\s*$");
    private static final Pattern SHELL_FENCE = Pattern.compile("^```(sh|bash|shell)\\s*$");
    private static final String CLOSING_FENCE = "```";

    private final Map<String, Block> blocks;

    private ReadmeBlocks(Map<String, Block> blocks) {
        this.blocks = blocks;
    }

    /** Every marked block of {@code markdown}, in the order they appear. */
    static ReadmeBlocks parse(String markdown) {
        String[] lines = markdown.split("\n", -1);
        Map<String, Block> found = new LinkedHashMap<>();
        for (int i = 0; i < lines.length; i++) {
            Matcher mark = MARK.matcher(lines[i]);
            if (!mark.matches()) {
                continue;
            }
            String name = mark.group(1);
            int markLine = i + 1;
            int fence = i + 1;
            while (fence < lines.length && lines[fence].isBlank()) {
                fence++;
            }
            if (fence >= lines.length || !SHELL_FENCE.matcher(lines[fence]).matches()) {
                throw new IllegalStateException("README.md line " + markLine + ": the mark 'readme-test: " + name
                        + "' must be followed by a ```sh block");
            }
            StringBuilder script = new StringBuilder();
            int line = fence + 1;
            while (line < lines.length && !lines[line].strip().equals(CLOSING_FENCE)) {
                script.append(lines[line]).append('\n');
                line++;
            }
            if (line >= lines.length) {
                throw new IllegalStateException("README.md line " + (fence + 1) + ": the block of 'readme-test: " + name
                        + "' is never closed");
            }
            if (found.put(name, new Block(name, script.toString(), markLine)) != null) {
                throw new IllegalStateException("README.md line " + markLine + ": a second block named 'readme-test: "
                        + name + "'");
            }
            i = line;
        }
        return new ReadmeBlocks(found);
    }

    /**
     * Checks that every one of {@code names} is marked, in this order relative to each other.
     *
     * @throws IllegalStateException naming what is missing or out of order
     */
    ReadmeBlocks requireInOrder(List<String> names) {
        List<String> missing = names.stream().filter(name -> !blocks.containsKey(name)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("README.md has no block marked <!-- readme-test: " + String.join(" -->, <!-- readme-test: ", missing)
                    + " -->: the quick start's tested blocks are " + names + " (marked blocks found: " + blocks.keySet() + ")");
        }
        List<String> order = new ArrayList<>(blocks.keySet());
        order.retainAll(names);
        if (!order.equals(names)) {
            throw new IllegalStateException("README.md's tested blocks must come in the order " + names + ", not " + order);
        }
        return this;
    }

    /** All marked blocks, in README order. */
    List<Block> all() {
        return List.copyOf(blocks.values());
    }

    Block get(String name) {
        Block block = blocks.get(name);
        if (block == null) {
            throw new IllegalStateException("README.md has no block marked <!-- readme-test: " + name + " -->");
        }
        return block;
    }
}
