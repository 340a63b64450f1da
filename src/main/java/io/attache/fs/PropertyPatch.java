package io.attache.fs;

import java.time.Instant;
import java.util.List;

/**
 * Dead-property changes applied in document order, all or nothing.
 *
 * @param operations  sets and removes, in order
 * @param newModified when not null, the resource's modification time becomes this (Windows sets
 *                    it through {@code Win32LastModifiedTime})
 */
public record PropertyPatch(List<Operation> operations, Instant newModified) {

    public PropertyPatch {
        operations = List.copyOf(operations);
    }

    /** Set a property to an XML value, or remove it ({@code value == null}). */
    public record Operation(String namespace, String name, String value) {
        public boolean isRemove() {
            return value == null;
        }
    }
}
