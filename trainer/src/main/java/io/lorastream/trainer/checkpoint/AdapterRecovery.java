package io.lorastream.trainer.checkpoint;

import io.lorastream.model.adapter.AdapterKey;
import io.lorastream.trainer.AdapterSettings;
import io.lorastream.trainer.TrainerMetrics;
import io.lorastream.trainer.TrainerSettings;
import io.lorastream.trainer.UnknownAdapters;
import io.lorastream.trainer.publish.PublishedVersions;
import io.lorastream.trainer.step.AdapterTrainer;
import io.lorastream.trainer.step.TrainerModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings back the adapters of an input partition: each from its newest checkpoint when that one is
 * authentic and decodes; otherwise (refused and counted) from the newer of its newest authentic
 * older checkpoint and its newest verified published version, and with neither it starts anew when
 * its pairs arrive. Version numbers always go on after the newest published version, so no version
 * key is ever reused.
 */
public final class AdapterRecovery {

  private static final Logger LOG = LoggerFactory.getLogger(AdapterRecovery.class);

  private final TrainerSettings settings;
  private final TrainerModel model;
  private final CheckpointStore checkpoints;
  private final PublishedVersions published;
  private final TrainerMetrics metrics;

  public AdapterRecovery(
      TrainerSettings settings,
      TrainerModel model,
      CheckpointStore checkpoints,
      PublishedVersions published,
      TrainerMetrics metrics) {
    this.settings = settings;
    this.model = model;
    this.checkpoints = checkpoints;
    this.published = published;
    this.metrics = metrics;
  }

  /**
   * The adapters of input partition {@code tp}; those that fell back are dirty (their next
   * checkpoint replaces the refused one).
   */
  public List<AdapterTrainer> restore(TopicPartition tp) {
    CheckpointStore.Read read = checkpoints.read(tp.topic(), tp.partition());
    Set<String> names = new TreeSet<>(read.checkpoints().keySet());
    names.addAll(read.refused().keySet());
    List<AdapterTrainer> out = new ArrayList<>();
    for (String name : names) {
      AdapterCheckpoint c = read.checkpoints().get(name);
      CheckpointStore.Refusal refusal = read.refused().get(name);
      if (refusal != null) {
        metrics.checkpointRefused(refusal.reason().tag());
        LOG.warn(
            "refused the newest checkpoint of '{}' ({}): {}",
            name,
            refusal.reason().tag(),
            refusal.message());
        if (!validName(name)) {
          continue;
        }
      }
      if (!settings.configured(name) && settings.unknownAdapters() == UnknownAdapters.SKIP) {
        LOG.info(
            "adapter {} has a checkpoint but is no longer configured (unknown-adapters: skip); not resumed",
            name);
        continue;
      }
      AdapterSettings s = settings.settingsFor(name);
      if (refusal == null) {
        out.add(restore(c, s));
        LOG.info(
            "resumed adapter {} at step {} ({} pairs trained, version {}, {} pending)",
            name,
            c.training().step(),
            c.ledger().pairs(),
            c.publishedVersion(),
            c.pending().size());
        continue;
      }
      PublishedVersions.Version v = published.newest(name);
      if (c != null && (v == null || c.publishedVersion() >= v.version())) {
        AdapterTrainer t = restore(c, s);
        t.fellBack();
        out.add(t);
        metrics.checkpointFallback("older_checkpoint");
        LOG.warn(
            "adapter {} falls back to its older checkpoint at step {} ({} pairs trained, version {}); pairs trained"
                + " after it up to the committed offset are not trained again",
            name,
            c.training().step(),
            c.ledger().pairs(),
            c.publishedVersion());
      } else if (v != null) {
        out.add(
            AdapterTrainer.fromPublished(
                name,
                s,
                tp.topic(),
                tp.partition(),
                model,
                settings.holdoutMaxQueries(),
                settings.evalPoolMaxDocs(),
                settings.limits(),
                v));
        metrics.checkpointFallback("published_version");
        LOG.warn(
            "adapter {} falls back to its published version {} ({} steps, {} pairs) with a fresh optimizer; pairs"
                + " trained after it up to the committed offset are not trained again",
            name,
            v.manifest().key(),
            v.manifest().steps(),
            v.manifest().pairsSeen());
      } else {
        metrics.checkpointFallback("none");
        LOG.warn(
            "adapter {} has neither a valid checkpoint nor a verified published version; it starts anew when its"
                + " pairs arrive",
            name);
      }
    }
    return out;
  }

  /**
   * A new adapter (first pair, no checkpoint): from its newest verified published version if it has
   * one (its checkpoint was lost or refused), else from the base.
   */
  public AdapterTrainer start(
      String name, AdapterSettings s, String inputTopic, int inputPartition) {
    PublishedVersions.Version v = published.newest(name);
    if (v == null) {
      return AdapterTrainer.start(
          name,
          s,
          inputTopic,
          inputPartition,
          model,
          settings.holdoutMaxQueries(),
          settings.evalPoolMaxDocs(),
          settings.limits());
    }
    LOG.info(
        "adapter {} has no checkpoint but a published version: it continues from {} with a fresh optimizer",
        name,
        v.manifest().key());
    return AdapterTrainer.fromPublished(
        name,
        s,
        inputTopic,
        inputPartition,
        model,
        settings.holdoutMaxQueries(),
        settings.evalPoolMaxDocs(),
        settings.limits(),
        v);
  }

  private AdapterTrainer restore(AdapterCheckpoint c, AdapterSettings s) {
    return AdapterTrainer.restore(
        c, s, model, settings.holdoutMaxQueries(), settings.evalPoolMaxDocs(), settings.limits());
  }

  private static boolean validName(String name) {
    try {
      AdapterKey.requireValidName(name);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
