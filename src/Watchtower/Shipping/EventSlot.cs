namespace Watchtower.Shipping;

/// <summary>
/// Where one event sits in its batch's body: <see cref="Offset"/> and <see cref="Length"/> frame its
/// <c>{"timestamp":…,"message":"…"}</c>, so that a batch can be re-ordered, halved or trimmed by copying bytes.
/// </summary>
/// <param name="TimestampMs">When the event happened, in milliseconds since the Unix epoch.</param>
/// <param name="Offset">Where the event's JSON object starts in the body.</param>
/// <param name="Length">The JSON object's length.</param>
/// <param name="Size">The event's size as CloudWatch counts it (message UTF-8 bytes plus 26).</param>
/// <param name="Sequence">Its number in the on-disk buffer's acknowledgements, or -1 when it is not on disk.</param>
internal readonly record struct EventSlot(long TimestampMs, int Offset, int Length, int Size, long Sequence = -1);
