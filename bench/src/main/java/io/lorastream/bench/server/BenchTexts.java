package io.lorastream.bench.server;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Short texts like search queries on a scientific corpus (6 to 20 tokens), the server's typical
 * input.
 */
final class BenchTexts {

  static final List<String> POOL =
      List.of(
          "Vitamin D deficiency increases the risk of hip fractures in older adults.",
          "Aspirin reduces platelet aggregation.",
          "Statins lower LDL cholesterol and cardiovascular events.",
          "Mitochondria produce most of the cell's ATP.",
          "BRCA1 mutations raise the lifetime risk of breast cancer.",
          "Smoking is associated with lung cancer.",
          "Regular exercise improves insulin sensitivity.",
          "Antibiotics do not treat viral infections.",
          "Gut microbiota composition affects obesity.",
          "Metformin lowers hepatic glucose production.",
          "CRISPR enables targeted genome editing in human cells.",
          "High salt intake raises blood pressure.",
          "Sleep deprivation impairs memory consolidation.",
          "Tau protein aggregates in Alzheimer's disease.",
          "Measles vaccination prevents measles outbreaks.",
          "p53 is a tumour suppressor gene.",
          "Chronic inflammation promotes atherosclerosis.",
          "Omega-3 fatty acids reduce triglyceride levels.",
          "Malaria parasites develop resistance to artemisinin.",
          "Telomere shortening is linked to cellular ageing.",
          "Insulin resistance precedes type 2 diabetes.",
          "Air pollution increases asthma hospital admissions.",
          "Stem cells can differentiate into cardiomyocytes.",
          "HIV infects CD4 T cells.",
          "Folic acid supplementation prevents neural tube defects.",
          "Microglia mediate synaptic pruning in the developing brain.",
          "Obesity is a risk factor for colorectal cancer.",
          "Beta blockers reduce mortality after myocardial infarction.",
          "Zinc supplements shorten the common cold.",
          "Dopamine neurons degenerate in Parkinson's disease.",
          "Helicobacter pylori causes peptic ulcers.",
          "Caffeine improves alertness after sleep loss.");

  private BenchTexts() {}

  /** The texts of request number {@code item}: the same for every system that runs it. */
  static List<String> forRequest(long item, int n) {
    SplittableRandom rnd = new SplittableRandom(0x5eed + item);
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(POOL.get(rnd.nextInt(POOL.size())));
    }
    return out;
  }
}
