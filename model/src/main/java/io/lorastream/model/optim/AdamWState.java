package io.lorastream.model.optim;

import io.lorastream.model.tensor.FloatTensor;
import java.util.List;

/**
 * Everything AdamW needs to continue exactly where it stopped, on the host: the step count and both
 * moments of every parameter, bit for bit.
 *
 * @param step optimizer steps taken so far (t of the last update), >= 0
 * @param parameters one entry per parameter, in the optimizer's order
 */
public record AdamWState(long step, List<ParameterState> parameters) {

  public AdamWState {
    if (step < 0) {
      throw new IllegalArgumentException("AdamW step count must be >= 0, got " + step);
    }
    parameters = List.copyOf(parameters);
  }

  /**
   * The moments of one parameter.
   *
   * @param name the parameter's name
   * @param firstMoment m (exp_avg), the parameter's shape
   * @param secondMoment v (exp_avg_sq), the parameter's shape
   */
  public record ParameterState(String name, FloatTensor firstMoment, FloatTensor secondMoment) {

    public ParameterState {
      if (!firstMoment.sameShape(secondMoment)) {
        throw new IllegalArgumentException(
            "AdamW state of '"
                + name
                + "': moments differ in shape, "
                + firstMoment
                + " vs "
                + secondMoment);
      }
    }
  }
}
