package io.lorastream.model.serving;

import io.lorastream.model.lora.AdapterWeights;
import io.lorastream.model.lora.LoraTarget;
import io.lorastream.model.onnx.AdapterFeeds;
import io.lorastream.model.onnx.OrtServingSession;
import io.lorastream.model.tokenize.TokenBatch;
import io.lorastream.model.weights.BaseModel;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Serving on ONNX Runtime (CPU, fp32), on graphs generated from the base weights ({@code
 * BertServingGraph}). The base has a session of its own. Adapter versions run on one session per
 * set of adapted linears (an adapter configuration's targets: one set in most deployments), which
 * applies the LoRA factors each run brings: a version is only its factors, so it loads in
 * milliseconds and costs kilobytes to a few megabytes. The first version of a new set of targets
 * waits for its session to be built.
 */
public final class OnnxRuntimeServingEngine implements ServingEngine {

  private final BaseModel base;
  private final int intraOpThreads;
  private final OrtServingSession baseSession;
  private final ServingModel baseModel;
  private final Map<Set<LoraTarget>, OrtServingSession> adapterSessions = new HashMap<>();
  private boolean closed;

  /**
   * @param intraOpThreads threads one forward pass uses
   */
  public OnnxRuntimeServingEngine(BaseModel base, int intraOpThreads) {
    this.base = base;
    this.intraOpThreads = intraOpThreads;
    this.baseSession =
        OrtServingSession.open(base, EnumSet.noneOf(LoraTarget.class), intraOpThreads);
    this.baseModel = new Model(baseSession, baseSession.none(), false);
  }

  @Override
  public EngineChoice kind() {
    return EngineChoice.ONNXRUNTIME;
  }

  @Override
  public ServingModel base() {
    return baseModel;
  }

  @Override
  public ServingModel withAdapter(AdapterWeights adapter) {
    OrtServingSession session = sessionFor(adapter.config().targets());
    return new Model(session, session.feeds(adapter), true);
  }

  /** Builds the session for {@code targets} on a background thread, unless it exists. */
  @Override
  public void prepare(Set<LoraTarget> targets) {
    Set<LoraTarget> copy = Set.copyOf(targets);
    Thread t =
        new Thread(
            () -> {
              try {
                sessionFor(copy);
              } catch (RuntimeException e) {
                // the first version with these targets builds it again, and reports the failure
              }
            },
            "lorastream-onnx-session");
    t.setDaemon(true);
    t.start();
  }

  /** Sessions open: the base's and one per set of adapted linears seen. */
  public synchronized int sessions() {
    return 1 + adapterSessions.size();
  }

  private synchronized OrtServingSession sessionFor(Set<LoraTarget> targets) {
    if (closed) {
      throw new IllegalStateException("the serving engine is closed");
    }
    return adapterSessions.computeIfAbsent(
        Set.copyOf(targets), t -> OrtServingSession.open(base, EnumSet.copyOf(t), intraOpThreads));
  }

  @Override
  public synchronized void close() {
    closed = true;
    adapterSessions.values().forEach(OrtServingSession::close);
    adapterSessions.clear();
    baseSession.close();
  }

  private record Model(OrtServingSession session, AdapterFeeds feeds, boolean owned)
      implements ServingModel {
    @Override
    public float[][] embed(TokenBatch batch) {
      return session.embed(batch, feeds);
    }

    @Override
    public void close() {
      if (owned) {
        feeds.close();
      }
    }
  }
}
