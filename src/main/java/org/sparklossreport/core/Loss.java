package org.sparklossreport.core;

import java.io.Serializable;
import java.util.List;
import java.util.function.Function;

/**
 * A loss as a user asked for it: its name, checked parameters, the columns it reads (when it names its
 * own) and its reduction. {@link #bind} turns it into a {@link Kernel} for the shapes of the actual
 * columns, or says why those shapes do not fit.
 *
 * <p>Subclass constructors call {@code super(params, reduction)} and read their own parameters from
 * {@link Params}; {@link #build} runs one and seals the loss: an out-of-range value fails when the loss is
 * built, before any data is read, and an unknown parameter is named with the valid ones.
 */
public abstract class Loss implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String name;
  private String canonical;
  private String fullSpec;
  private String savedSpec;
  private final String labelColumn;
  private final String predictionColumn;
  private final String weightColumn;
  protected final Reduction reduction;

  /**
   * Reads the parameters every loss shares: {@code reduction}, and the column overrides {@code label},
   * {@code prediction} and {@code weight}.
   */
  protected Loss(Params params, Reduction defaultReduction) {
    this.name = params.loss();
    this.reduction = params.reduction(defaultReduction);
    this.labelColumn = needsLabel() ? params.text("label") : null;
    this.predictionColumn = params.text("prediction");
    this.weightColumn = params.text("weight");
  }

  /**
   * The loss {@code constructor} makes of {@code params}, sealed: undeclared parameters rejected, the
   * canonical form fixed. How the catalog builds every loss.
   */
  public static Loss build(Params params, Function<Params, ? extends Loss> constructor) {
    Loss loss = constructor.apply(params);
    loss.seal(params);
    return loss;
  }

  private void seal(Params params) {
    params.finish();
    this.canonical = params.canonical();
    this.fullSpec = params.fullSpec();
    this.savedSpec = params.savedSpec();
  }

  /** The kernel for these input shapes, or a {@link LossSpecException} naming what fits. */
  public abstract Kernel bind(Shape label, Shape prediction);

  /** The registered name, e.g. {@code huber}. */
  public final String name() {
    return name;
  }

  /** The loss as specified, in canonical form, e.g. {@code huber(delta=1.5)}. */
  public final String canonical() {
    return canonical;
  }

  /**
   * The loss with every parameter in effect, defaults included, e.g. {@code huber(reduction=mean,delta=1)}
   * for {@code huber}: what its states record as what made them (see {@link LossSet#stateSignature()}).
   * Column names are left out (see {@link Params#fullSpec()}).
   */
  public final String fullSpec() {
    return fullSpec;
  }

  /**
   * The loss with every parameter, defaults and column names included, e.g.
   * {@code log_loss(reduction=mean,label=class,epsilon=1e-15)}: the {@code loss} of its saved states, which
   * {@code Losses.parse} turns back into this loss.
   */
  public final String savedSpec() {
    return savedSpec;
  }

  public final Reduction reduction() {
    return reduction;
  }

  /** Names of outputs beyond the value, reported as {@code <loss>.<output>}. */
  public List<String> extraOutputs() {
    return List.of();
  }

  /** False for losses of the prediction alone (sparsity). */
  public boolean needsLabel() {
    return true;
  }

  /** The label column this loss names itself, or null to use the job's. */
  public final String labelColumn() {
    return labelColumn;
  }

  /** The prediction column this loss names itself, or null to use the job's. */
  public final String predictionColumn() {
    return predictionColumn;
  }

  /** The weight column this loss names itself, or null to use the job's. */
  public final String weightColumn() {
    return weightColumn;
  }

  /** Fails with a {@link #shapeError} unless both inputs are numbers. */
  protected final void requireNumbers(Shape label, Shape prediction) {
    requireShapes(label, prediction, Shape.SCALAR, Shape.SCALAR, "numbers for both");
  }

  /** Fails with a {@link #shapeError} naming {@code accepted} unless the inputs have these shapes. */
  protected final void requireShapes(Shape label, Shape prediction, Shape labelShape, Shape predictionShape,
      String accepted) {
    if (label != labelShape || prediction != predictionShape) {
      throw shapeError(label, prediction, accepted);
    }
  }

  /** A schema error for this loss: the shapes found and those it accepts. */
  protected LossSpecException shapeError(Shape label, Shape prediction, String accepted) {
    String found = needsLabel()
        ? "label is " + label.describe() + " and prediction " + prediction.describe()
        : "prediction is " + prediction.describe();
    return new LossSpecException(name + ": " + found + "; expected " + accepted);
  }

  @Override
  public String toString() {
    return canonical;
  }
}
