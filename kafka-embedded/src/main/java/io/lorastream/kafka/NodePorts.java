package io.lorastream.kafka;

/**
 * The loopback ports of one KRaft node, fixed for its life so that a restarted node comes back
 * where clients and the other voters expect it.
 *
 * @param client the port clients bootstrap from
 * @param internal the inter-broker port of a secured node (its own SASL PLAIN listener); 0 when the
 *     node is not secured and brokers replicate over the client listener
 * @param controller the KRaft controller port
 */
record NodePorts(int client, int internal, int controller) {

  /** Free ports for a node; {@code client} if not 0, else a free one too. */
  static NodePorts pick(int client, boolean secured) {
    return new NodePorts(
        client != 0 ? client : LoopbackPorts.free(),
        secured ? LoopbackPorts.free() : 0,
        LoopbackPorts.free());
  }
}
