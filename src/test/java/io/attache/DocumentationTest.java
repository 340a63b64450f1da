package io.attache;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the documentation tells operators to run is what the project stands behind. */
class DocumentationTest {

    @Test
    void everyDocumentedWayToStartTheServerExitsOnOutOfMemory() throws IOException {
        List<String> starts = new ArrayList<>();
        List<String> without = new ArrayList<>();
        for (String file : List.of("README.md", "systemd/attache.service", "systemd/attache@.service", "bin/attache")) {
            if (!Files.exists(Path.of(file))) {
                continue;
            }
            for (String line : Files.readAllLines(Path.of(file))) {
                boolean java = line.contains("java") && line.contains("-jar")
                        && (line.matches(".*\\bserve\\b.*") || file.startsWith("bin/"));
                boolean launcher = line.matches(".*\\battache serve\\b.*") && !line.contains("java");
                if (java) {
                    starts.add(file + ": " + line.strip());
                    if (!line.contains("-XX:+ExitOnOutOfMemoryError")) {
                        without.add(file + ": " + line.strip());
                    }
                } else if (launcher) {
                    starts.add(file + ": " + line.strip() + " (through bin/attache)");
                }
            }
        }
        assertTrue(starts.stream().anyMatch(s -> s.startsWith("bin/attache:")), "the launcher starts Java: " + starts);
        assertTrue(starts.size() >= 4, "found the start commands: " + starts);
        assertEquals(List.of(), without);
    }

    @Test
    void theServiceAndTheCommandsReadTheDataDirectoryFromOneFile() throws IOException {
        String unit = Files.readString(Path.of("systemd/attache.service"));
        assertTrue(!unit.contains("ATTACHE_DATA_DIR") && !unit.contains("--data-dir"), "the unit sets no data directory of its own");
        assertTrue(unit.contains("echo 'data-dir = /var/lib/attache' | sudo tee -a /etc/attache/attache.conf"), unit);
        assertTrue(unit.contains("user add alice --config /etc/attache/attache.conf"), unit);
        assertTrue(unit.contains("Restart=on-failure"), unit);
    }
}
