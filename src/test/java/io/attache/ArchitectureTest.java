package io.attache;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pins the package dependencies of docs/ARCHITECTURE: each package imports only those below it that it may use. */
class ArchitectureTest {

    private static final Map<String, Set<String>> MAY_USE = Map.ofEntries(
            Map.entry("app", Set.of("*")),
            Map.entry("config", Set.of()),
            Map.entry("server", Set.of("dav", "web", "fs", "config")),
            Map.entry("web", Set.of("fs", "config")),
            Map.entry("dav", Set.of("fs")),
            Map.entry("fs", Set.of("meta", "pipeline", "crypto", "store")),
            Map.entry("meta", Set.of()),
            Map.entry("pipeline", Set.of("crypto", "store")),
            Map.entry("crypto", Set.of()),
            Map.entry("store", Set.of()),
            Map.entry("store.local", Set.of("store")),
            Map.entry("store.discord", Set.of("store")));
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?io\\.attache\\.([a-z.]+)\\.[A-Z]", Pattern.MULTILINE);

    @Test
    void packagesDependOnlyOnWhatTheyMayUse() throws IOException {
        Path root = Path.of("src/main/java/io/attache");
        List<String> violations = new ArrayList<>();
        int files = 0;
        try (Stream<Path> sources = Files.walk(root)) {
            for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                files++;
                String pkg = root.relativize(source.getParent()).toString().replace('/', '.');
                Set<String> allowed = MAY_USE.get(pkg);
                assertTrue(allowed != null, "package io.attache." + pkg + " is not in the architecture table");
                Matcher m = IMPORT.matcher(Files.readString(source));
                while (m.find()) {
                    String used = m.group(1);
                    if (!used.equals(pkg) && !allowed.contains("*") && !allowed.contains(used)) {
                        violations.add(source + " imports io.attache." + used);
                    }
                }
            }
        }
        assertTrue(files > 50, "found the sources");
        assertEquals(List.of(), violations);
    }
}
