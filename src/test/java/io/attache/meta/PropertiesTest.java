package io.attache.meta;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Property sizes, the changes the writers report, and listings bounded by a byte budget. */
class PropertiesTest {

    @TempDir
    Path dir;
    Database db;
    long owner;
    long folder;

    @BeforeEach
    void open() throws Exception {
        db = Database.open(dir.resolve("p.db"), false);
        owner = db.write(c -> Users.insert(c, "p", "hash", null, false, 0).id());
        folder = db.write(c -> Nodes.insertFolder(c, owner, Nodes.root(c, owner).orElseThrow().id(), "f", 0));
        for (String child : List.of("a", "b", "c", "d")) {
            db.write(c -> {
                long id = Nodes.insertFolder(c, owner, folder, child, 0);
                for (int i = 0; i < 3; i++) {
                    Properties.Delta d = Properties.set(c, id, new Property("urn:x", "p" + i, "v".repeat(94)));
                    Users.addProperties(c, owner, d.count(), d.bytes());
                }
                return null;
            });
        }
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void sizesAreUtf8BytesOfNamespaceNameAndValue() throws Exception {
        assertEquals(5 + 2 + 94, Properties.sizeOf(new Property("urn:x", "p0", "v".repeat(94))));
        assertEquals(5 + 2 + 2, Properties.sizeOf(new Property("urn:x", "ü", "é")), "two bytes each");
        long node = db.read(c -> Nodes.child(c, folder, "a").orElseThrow().id());
        assertEquals(new Properties.Delta(0, -90), db.write(c -> Properties.set(c, node, new Property("urn:x", "p0", "1234"))));
        assertEquals(new Properties.Delta(1, 11), db.write(c -> Properties.set(c, node, new Property("urn:x", "new", "123"))));
        assertEquals(new Properties.Delta(-1, -11), db.write(c -> Properties.remove(c, node, "urn:x", "new")));
        assertEquals(Properties.Delta.NONE, db.write(c -> Properties.remove(c, node, "urn:x", "new")), "already gone");
    }

    @Test
    void aListingStopsAtTheChildThatReachedTheBudget() throws Exception {
        Properties.Batch all = db.read(c -> Properties.ofChildren(c, folder, null, "d", Long.MAX_VALUE));
        assertFalse(all.cut());
        assertEquals(4, all.byNode().size());
        // Each child holds 303 bytes: a budget of 400 is reached by the second child, so the batch ends there.
        Properties.Batch first = db.read(c -> Properties.ofChildren(c, folder, null, "d", 400));
        assertTrue(first.cut());
        assertEquals("b", first.lastName());
        assertEquals(2, first.byNode().size());
        Properties.Batch rest = db.read(c -> Properties.ofChildren(c, folder, "b", "d", 400));
        assertFalse(rest.cut(), "the last two fit: the budget is only checked when a child starts");
        assertEquals("d", rest.lastName());
        assertEquals(2, rest.byNode().size());
    }

    @Test
    void deletingATreeTakesItsPropertiesAndEntriesOffTheOwnersCounts() throws Exception {
        User before = db.read(c -> Users.byId(c, owner).orElseThrow());
        assertEquals(5, before.entryCount(), "the folder and its four children; the root does not count");
        assertEquals(12, before.propertyCount());
        assertEquals(12 * 101, before.propertyBytes());
        db.write(c -> Nodes.deleteTree(c, Nodes.byId(c, folder).orElseThrow(), 0));
        User after = db.read(c -> Users.byId(c, owner).orElseThrow());
        assertEquals(0, after.entryCount());
        assertEquals(0, after.propertyCount());
        assertEquals(0, after.propertyBytes());
    }
}
