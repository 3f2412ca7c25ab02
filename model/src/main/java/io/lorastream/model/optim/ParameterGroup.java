package io.lorastream.model.optim;

import java.util.ArrayList;
import java.util.List;

/**
 * Parameters that share a learning rate and weight decay, as a torch optimizer's param_groups
 * entry.
 *
 * @param name for logs and errors, e.g. {@code lora_A}
 * @param parameters not empty
 * @param learningRate this group's base lr, >= 0 (the schedule multiplies it)
 * @param weightDecay this group's decoupled weight decay, >= 0
 */
public record ParameterGroup(
    String name, List<NamedParameter> parameters, double learningRate, double weightDecay) {

  public ParameterGroup {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a parameter group needs a name, got '" + name + "'");
    }
    if (parameters == null || parameters.isEmpty()) {
      throw new IllegalArgumentException("parameter group '" + name + "' has no parameters");
    }
    parameters = List.copyOf(parameters);
    if (!(learningRate >= 0) || !Double.isFinite(learningRate)) {
      throw new IllegalArgumentException(
          "parameter group '"
              + name
              + "': learning rate must be a finite number >= 0, got "
              + learningRate);
    }
    if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
      throw new IllegalArgumentException(
          "parameter group '"
              + name
              + "': weight decay must be a finite number >= 0, got "
              + weightDecay);
    }
  }

  /** One group with the config's learning rate and weight decay. */
  public static List<ParameterGroup> single(List<NamedParameter> parameters, AdamWConfig config) {
    return List.of(
        new ParameterGroup("all", parameters, config.learningRate(), config.weightDecay()));
  }

  /**
   * LoRA+ groups (Hayou, Ghosh, Yu 2024), split as PEFT's {@code create_loraplus_optimizer}: A
   * matrices (and any other matrix) at lr; {@code lora_B} matrices and 1-D parameters at lr *
   * ratio, those whose name says {@code bias} without weight decay. Empty groups are left out.
   *
   * @param ratio lr_B / lr_A, >= 1 (the paper suggests 16; 1 is plain LoRA)
   */
  public static List<ParameterGroup> loraPlus(
      List<NamedParameter> parameters, AdamWConfig config, double ratio) {
    if (!(ratio >= 1) || !Double.isFinite(ratio)) {
      throw new IllegalArgumentException(
          "LoRA+ learning-rate ratio must be a finite number >= 1,"
              + " got "
              + ratio
              + " (use 1 for plain LoRA)");
    }
    List<NamedParameter> a = new ArrayList<>();
    List<NamedParameter> b = new ArrayList<>();
    List<NamedParameter> bNoDecay = new ArrayList<>();
    for (NamedParameter p : parameters) {
      boolean isB = p.name().contains("lora_B") || p.array().getShape().dimension() == 1;
      if (!isB) {
        a.add(p);
      } else if (p.name().contains("bias")) {
        bNoDecay.add(p);
      } else {
        b.add(p);
      }
    }
    double lr = config.learningRate();
    List<ParameterGroup> groups = new ArrayList<>();
    if (!a.isEmpty()) {
      groups.add(new ParameterGroup("lora_A", a, lr, config.weightDecay()));
    }
    if (!b.isEmpty()) {
      groups.add(new ParameterGroup("lora_B", b, lr * ratio, config.weightDecay()));
    }
    if (!bNoDecay.isEmpty()) {
      groups.add(new ParameterGroup("lora_B_no_decay", bNoDecay, lr * ratio, 0));
    }
    return List.copyOf(groups);
  }
}
