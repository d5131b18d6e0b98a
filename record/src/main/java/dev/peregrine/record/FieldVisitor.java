package dev.peregrine.record;

/** Receives each field of a record in turn; see {@link Record#forEachField(FieldVisitor)}. */
@FunctionalInterface
public interface FieldVisitor {
    /** Called once per field; {@code field} is re-pointed at the next field after this returns. */
    void visit(FieldCursor field);
}
