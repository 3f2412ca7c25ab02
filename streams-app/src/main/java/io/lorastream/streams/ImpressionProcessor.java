package io.lorastream.streams;

import io.lorastream.schemas.DeadLetterReason;
import io.lorastream.schemas.Interaction;
import io.lorastream.schemas.PairKind;
import io.lorastream.schemas.SearchEvent;
import io.lorastream.schemas.ShownResult;
import io.lorastream.streams.config.FeedbackStreamsConfig;
import io.lorastream.streams.config.ImpressionWindow;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Joins interactions to their impression (both keyed by impression id, so co-partitioned) and, when
 * the impression's window closes, runs the click model and hands the pairs to the {@link
 * PairAssembler}. An impression keeps at most {@code max-interactions-per-impression} interactions
 * and {@code max-impression-bytes} of them ({@link ImpressionInteractions}); the rest are
 * dead-lettered as {@code impression_full}.
 *
 * <p>Stream time: the task's largest event time, raised to a persisted watermark so that decisions
 * survive restarts. An impression closes when the watermark reaches its event time + window +
 * grace. When no record has arrived for {@code idle-close-after} (wall clock), the watermark moves
 * on with the wall clock so windows close when traffic stops. An event for a window that has closed
 * is dead-lettered as {@code late_event}.
 */
final class ImpressionProcessor implements Processor<byte[], Decoded, Object, Object> {
  private static final String WATERMARK_KEY = "watermark";

  private final FeedbackStreamsConfig config;
  private final FeedbackMetrics metrics;
  private final ImpressionWindow window;

  private ProcessorContext<Object, Object> context;
  private RecentImpressions impressions;
  private ImpressionInteractions interactions;

  /**
   * When each open impression closes: (close time, impression id) in close order, rebuilt from the
   * impressions store at init and kept in step with it. The close check runs on every punctuation
   * and mostly finds nothing due; a store range scan per check (and a second changelogged store for
   * the index) cost more than the rest of the check.
   */
  private final NavigableSet<Bytes> closingIndex = new TreeSet<>();

  private KeyValueStore<String, Long> watermarks;
  private DeadLetters deadLetters;
  private PairAssembler assembler;
  private long watermark;
  private long lastRecordWallMs;
  private static final long UNKNOWN_WALL_CLOCK = Long.MIN_VALUE;

  ImpressionProcessor(FeedbackStreamsConfig config, FeedbackMetrics metrics) {
    this.config = config;
    this.metrics = metrics;
    this.window = config.window();
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
    KeyValueStore<String, ImpressionState> store =
        context.getStateStore(FeedbackTopology.IMPRESSIONS_STORE);
    this.impressions = new RecentImpressions(store, RecentImpressions.DEFAULT_CAPACITY);
    this.watermarks = context.getStateStore(FeedbackTopology.WATERMARK_STORE);
    this.deadLetters = new DeadLetters(context, metrics, FeedbackTopology.IMPRESSIONS);
    this.assembler =
        new PairAssembler(
            FeedbackTopology.IMPRESSIONS,
            context,
            context.getStateStore(FeedbackTopology.PASSAGES_STORE),
            context.getStateStore(FeedbackTopology.IMPRESSION_PARKED_STORE),
            config.rules(),
            metrics,
            deadLetters);
    this.interactions =
        new ImpressionInteractions(
            context.getStateStore(FeedbackTopology.INTERACTIONS_STORE), config.impressionLimits());
    closingIndex.clear();
    try (KeyValueIterator<String, ImpressionState> it = store.all()) {
      it.forEachRemaining(
          kv -> {
            closingIndex.add(closingKey(kv.value.closeAtMs(), kv.key));
            interactions.countLegacy(kv.key, kv.value.interactions());
          });
    }
    Long stored = watermarks.get(WATERMARK_KEY);
    this.watermark = stored == null ? Long.MIN_VALUE : stored;
    // A processor context's currentSystemTimeMs() is the task's cached clock, which can still be 0
    // before the task's
    // first loop on a real broker: "no record since 1970" then moved stream time 56 years ahead at
    // the first
    // wall-clock punctuation, and every later event was late. Until a real clock reading exists,
    // idle time counts
    // from the first punctuation.
    this.lastRecordWallMs = wallClockOrUnknown(context.currentSystemTimeMs());
    context.schedule(window.closeCheckInterval(), PunctuationType.STREAM_TIME, this::closeUpTo);
    context.schedule(
        window.closeCheckInterval(), PunctuationType.WALL_CLOCK_TIME, this::onWallClock);
  }

  @Override
  public void process(Record<byte[], Decoded> record) {
    lastRecordWallMs = wallClockOrUnknown(context.currentSystemTimeMs());
    SourceRecord source = Sources.current(context, record);
    if (source.topic().equals(config.topics().searchEvents())) {
      metrics.eventIn("search_event");
      onSearch(source, record.value());
    } else {
      metrics.eventIn("interaction");
      onInteraction(source, record.value());
    }
  }

  private void onSearch(SourceRecord source, Decoded decoded) {
    if (decoded.violation() != null) {
      deadLetters.send(source, decoded.violation());
      return;
    }
    SearchEvent event = (SearchEvent) decoded.event();
    if (!Sources.keyIs(source, event.impressionId())) {
      deadLetters.send(
          source,
          DeadLetterReason.KEY_MISMATCH,
          Sources.keyMessage(source, "impression_id", event.impressionId()));
      return;
    }
    String future = Sources.futureMessage(context, event.eventTime(), window.maxClockSkew());
    if (future != null) {
      deadLetters.send(source, DeadLetterReason.EVENT_TIME_IN_FUTURE, future);
      return;
    }
    long start = event.eventTime().toEpochMilli();
    long closeAt = window.closeAtMs(start);
    ImpressionState.Entry<SearchEvent> entry = ImpressionState.entry(event, source);
    ImpressionState state = impressions.get(event.impressionId());
    if (state != null && state.search() != null) {
      if (state.search().eventId().equals(event.eventId())) {
        metrics.duplicate("search_event");
      } else {
        deadLetters.send(
            source,
            DeadLetterReason.CONFLICTING_IMPRESSION,
            "impression "
                + event.impressionId()
                + " already came with search event "
                + state.search().eventId()
                + "; event "
                + event.eventId()
                + " reuses the id (impression ids must be unique)");
      }
      return;
    }
    if (closeAt <= watermark) {
      deadLetters.send(
          source,
          DeadLetterReason.LATE_EVENT,
          lateMessage("impression " + event.impressionId(), start, closeAt));
      return;
    }
    if (state == null) {
      state = new ImpressionState(entry, closeAt);
    } else {
      unscheduleClose(closingKey(state.closeAtMs(), event.impressionId()));
      state = state.withSearch(entry, closeAt);
    }
    impressions.put(event.impressionId(), state);
    scheduleClose(closingKey(closeAt, event.impressionId()));
  }

  private void onInteraction(SourceRecord source, Decoded decoded) {
    if (decoded.violation() != null) {
      deadLetters.send(source, decoded.violation());
      return;
    }
    Interaction event = (Interaction) decoded.event();
    if (!Sources.keyIs(source, event.impressionId())) {
      deadLetters.send(
          source,
          DeadLetterReason.KEY_MISMATCH,
          Sources.keyMessage(source, "impression_id", event.impressionId()));
      return;
    }
    String future = Sources.futureMessage(context, event.eventTime(), window.maxClockSkew());
    if (future != null) {
      deadLetters.send(source, DeadLetterReason.EVENT_TIME_IN_FUTURE, future);
      return;
    }
    long t = event.eventTime().toEpochMilli();
    ImpressionState.Entry<Interaction> entry = ImpressionState.entry(event, source);
    ImpressionState state = impressions.get(event.impressionId());
    if (state != null) {
      if (state.hasEvent(event.eventId())) {
        metrics.duplicate("interaction");
      } else {
        keep(source, entry);
      }
      return;
    }
    // No open impression. If its window could still be open, wait for the impression (it may come
    // later);
    // if every window that could hold this event has closed, the event is late.
    if (t + window.grace().toMillis() < watermark) {
      deadLetters.send(
          source,
          DeadLetterReason.LATE_EVENT,
          lateMessage(
                  "interaction " + event.eventId() + " on impression " + event.impressionId(),
                  t,
                  t + window.grace().toMillis())
              + " (or its impression never arrived)");
      return;
    }
    if (keep(source, entry)) {
      long orphanCloseAt = t + window.size().toMillis() + window.grace().toMillis();
      impressions.put(event.impressionId(), new ImpressionState(null, orphanCloseAt));
      scheduleClose(closingKey(orphanCloseAt, event.impressionId()));
    }
  }

  /** Keeps an interaction with its impression's others, or says why not; true if it was kept. */
  private boolean keep(SourceRecord source, ImpressionState.Entry<Interaction> entry) {
    String impressionId = entry.event().impressionId();
    switch (interactions.offer(impressionId, entry)) {
      case KEPT -> {
        return true;
      }
      case DUPLICATE -> metrics.duplicate("interaction");
      case TOO_MANY ->
          deadLetters.send(
              source,
              DeadLetterReason.IMPRESSION_FULL,
              "impression "
                  + impressionId
                  + " already holds "
                  + interactions.count(impressionId)
                  + " interactions, the"
                  + " most max-interactions-per-impression allows; interaction "
                  + entry.eventId()
                  + " is not kept (those"
                  + " kept still make pairs). No one acts this often on one page of results: look for a producer that"
                  + " repeats itself, or raise max-interactions-per-impression");
      case TOO_LARGE ->
          deadLetters.send(
              source,
              DeadLetterReason.IMPRESSION_FULL,
              "impression "
                  + impressionId
                  + "'s interactions take "
                  + interactions.bytes(impressionId)
                  + " bytes in"
                  + " state; interaction "
                  + entry.eventId()
                  + " ("
                  + ImpressionInteractions.size(entry, impressionId)
                  + " bytes, decoded and as its record) would pass max-impression-bytes ("
                  + config.impressionLimits().maxBytes()
                  + "). Large interactions carry fields the contract ignores:"
                  + " drop them, or raise max-impression-bytes");
    }
    return false;
  }

  private String lateMessage(String what, long eventMs, long closedAtMs) {
    return what
        + " at "
        + Instant.ofEpochMilli(eventMs)
        + " arrived after its window closed (at "
        + Instant.ofEpochMilli(closedAtMs)
        + "; stream time is "
        + Instant.ofEpochMilli(watermark)
        + "); raise grace to accept events this late";
  }

  private static long wallClockOrUnknown(long cachedMs) {
    return cachedMs > 0 ? cachedMs : UNKNOWN_WALL_CLOCK;
  }

  private void onWallClock(long nowMs) {
    long idle = window.idleCloseAfter().toMillis();
    if (lastRecordWallMs == UNKNOWN_WALL_CLOCK) {
      lastRecordWallMs = nowMs;
    }
    if (idle > 0 && nowMs - lastRecordWallMs >= idle) {
      // Stream time stands still without records; let it follow the wall clock from the last record
      // on.
      long streamTime = context.currentStreamTimeMs();
      long base = streamTime >= 0 ? streamTime : watermark;
      if (base >= 0) {
        closeUpTo(base + (nowMs - lastRecordWallMs));
      }
    }
    assembler.retryParked();
  }

  /** Raises the watermark to {@code time} and closes every state due by then, oldest first. */
  private void closeUpTo(long time) {
    if (time <= watermark) {
      return;
    }
    watermark = time;
    watermarks.put(WATERMARK_KEY, watermark);
    List<Bytes> due = new ArrayList<>();
    for (Bytes key : closingIndex) {
      if (closeAtOf(key) > time) {
        break; // keys sort by close time first
      }
      due.add(key);
    }
    for (Bytes key : due) {
      unscheduleClose(key);
      String impressionId = impressionOf(key);
      ImpressionState state = impressions.get(impressionId);
      impressions.delete(impressionId);
      if (state != null) {
        close(impressionId, state);
      }
    }
  }

  private void scheduleClose(Bytes key) {
    closingIndex.add(key);
  }

  private void unscheduleClose(Bytes key) {
    closingIndex.remove(key);
  }

  private void close(String impressionId, ImpressionState state) {
    List<ImpressionState.Entry<Interaction>> kept =
        new ArrayList<>(state.interactions()); // format 1-2 states only
    kept.addAll(interactions.removeAll(impressionId));
    if (state.search() == null) {
      for (ImpressionState.Entry<Interaction> e : kept) {
        deadLetters.send(
            e.record(),
            DeadLetterReason.ORPHAN_INTERACTION,
            "no impression "
                + impressionId
                + " arrived within window + grace ("
                + window.size()
                + " + "
                + window.grace()
                + ") of interaction "
                + e.eventId()
                + "; publish the search event first");
      }
      return;
    }
    SearchEvent search = state.search().event();
    Map<String, ShownResult> shown =
        search.results().stream()
            .collect(Collectors.toMap(ShownResult::docId, Function.identity()));
    long start = search.eventTime().toEpochMilli();
    long end = start + window.size().toMillis();
    List<Interaction> valid = new ArrayList<>();
    for (ImpressionState.Entry<Interaction> e : kept) {
      Interaction i = e.event();
      if (!shown.containsKey(i.docId())) {
        deadLetters.send(
            e.record(),
            DeadLetterReason.NOT_SHOWN,
            "interaction "
                + i.eventId()
                + " names doc "
                + i.docId()
                + ", which impression "
                + impressionId
                + " did not show");
      } else if (e.eventTimeMs() < start || e.eventTimeMs() >= end) {
        deadLetters.send(
            e.record(),
            DeadLetterReason.OUTSIDE_WINDOW,
            "interaction "
                + i.eventId()
                + " at "
                + i.eventTime()
                + " is outside impression "
                + impressionId
                + "'s window ["
                + search.eventTime()
                + ", "
                + Instant.ofEpochMilli(end)
                + "); widen window to join it");
      } else {
        valid.add(i);
      }
    }
    ClickModel.Outcome outcome = ClickModel.apply(search, valid, config.rules());
    List<String> shownIds =
        search.results().stream()
            .sorted((a, b) -> Integer.compare(a.rank(), b.rank()))
            .map(ShownResult::docId)
            .toList();
    String adapter = config.routing().adapterFor(search.tenant());
    for (ClickModel.Positive p : outcome.positives()) {
      List<String> sources = new ArrayList<>(p.sourceEventIds());
      sources.add(search.eventId());
      assembler.offer(
          new PairDraft(
              PairKind.CLICK,
              adapter,
              search.tenant(),
              search.query(),
              search.queryId(),
              impressionId,
              p.docId(),
              outcome.negatives(),
              p.weight(),
              null,
              sources,
              Math.max(start, p.newestEventMs()),
              shownIds,
              state.search().record(),
              0L));
    }
  }

  /**
   * Big-endian close time then the impression id: the byte order of these keys is the close order.
   */
  static Bytes closingKey(long closeAtMs, String impressionId) {
    byte[] id = impressionId.getBytes(StandardCharsets.UTF_8);
    return Bytes.wrap(
        ByteBuffer.allocate(8 + id.length).putLong(Math.max(0, closeAtMs)).put(id).array());
  }

  private static long closeAtOf(Bytes key) {
    return ByteBuffer.wrap(key.get()).getLong();
  }

  private static String impressionOf(Bytes key) {
    byte[] k = key.get();
    return new String(Arrays.copyOfRange(k, 8, k.length), StandardCharsets.UTF_8);
  }
}
