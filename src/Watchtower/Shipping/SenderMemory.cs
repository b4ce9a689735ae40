namespace Watchtower.Shipping;

/// <summary>
/// What the sender holds in memory for its streams and batches, counted as it really is: the capacity of every array it
/// has rented (request bodies, event slots), a fixed cost per stream it remembers and per batch, not the size of the
/// events in them. It bounds the sender however many streams there are: counting events' bytes alone let 80,000
/// one-event streams hold 400 MB. Updated where arrays are rented, grown or returned and where streams come and go,
/// never per event; read by the sender to decide whether it may take more from the queue.
/// </summary>
internal sealed class SenderMemory
{
    /// <summary>A stream's own objects: its buffer, its list of sealed batches, its dictionary entry (its prefix is counted apart).</summary>
    public const int StreamOverhead = 288;

    /// <summary>A batch's own objects: the batch and its list node.</summary>
    public const int BatchOverhead = 176;

    private long _bytes;

    public long Bytes => Interlocked.Read(ref _bytes);

    public void Add(long bytes) => Interlocked.Add(ref _bytes, bytes);

    /// <summary>The memory an array of event slots takes.</summary>
    public static long Of(EventSlot[] slots) => (long)slots.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<EventSlot>();
}
