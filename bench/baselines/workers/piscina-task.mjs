// Peer: a piscina task that handles one envelope, touching it as raw-receiver.mjs does; it answers nothing.
const seen = { checksum: 0 };

export default function handle(envelope) {
  seen.checksum += envelope.payload.n;
}
