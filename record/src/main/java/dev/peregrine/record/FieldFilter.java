package dev.peregrine.record;

/** Decides which fields {@link MutableRecord#retain(FieldFilter)} keeps. */
@FunctionalInterface
public interface FieldFilter {
    /** Whether to keep the field with this id, name and type. */
    boolean keep(int fieldId, String name, FieldType type);
}
