package org.sparklossreport.engine;

import java.io.Serializable;
import org.sparklossreport.core.Shape;

/**
 * One input column as the losses read it: its name and its shape.
 *
 * @param column the column name in the input rows
 * @param shape scalar or vector, decided from the column's type
 */
public record InputSlot(String column, Shape shape) implements Serializable {}
