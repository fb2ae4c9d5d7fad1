package org.sparklossreport.core;

import java.util.List;

/**
 * How an engine that evaluates expressions of its own writes a rule of core: as calls of core's own
 * public static functions on primitives, so that the rule's arithmetic is written once, here in core, and
 * the other form only names it. The compiled engine's {@code Calls} makes each call a Catalyst
 * {@code StaticInvoke}: its generated code calls the Java function (small code the JIT inlines, no boxing),
 * and its interpreted {@code eval} calls it by reflection. Rules that return several values (a Neumaier
 * pair, a block of moments) give one expression per value; see {@link Neumaier#addForm} and
 * {@link Accumulator.Moments#mergeForm}.
 *
 * @param <E> the engine's expression type
 */
@FunctionalInterface
public interface Calls<E> {
  /**
   * {@code owner.function(args...)}: a public static function of {@code owner}, the only one of that name,
   * over doubles, booleans, bytes or longs, returning a double or an int.
   */
  E call(Class<?> owner, String function, List<E> args);
}
