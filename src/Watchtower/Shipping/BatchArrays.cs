using System.Buffers;

namespace Watchtower.Shipping;

/// <summary>
/// The arrays batches are written into. Small ones come from <see cref="ArrayPool{T}.Shared"/>; a busy stream's
/// full-size ones (a 1 MiB batch's body, its 10,000 event slots) from a small pool of their own, because they are
/// rented on the sender's thread and returned on whichever thread the request finished on, which the shared pool's
/// per-thread caches do not serve well: each miss would be a new array on the large-object heap and, soon, a full
/// garbage collection. Process-wide and bounded, so that memory kept after a burst is limited.
/// </summary>
internal static class BatchArrays
{
    /// <summary>A full batch's body: 1 MiB of messages, the framing of up to 10,000 events, and room for some escaping.</summary>
    public const int BodyLength = 1536 * 1024;

    public const int SlotsLength = CloudWatchLogHandlerOptions.ServiceMaxBatchCount;

    // Enough for a few handlers' batches in flight, waiting and filling; 18 MiB of bodies at most.
    private const int MaxRetained = 12;

    // Below this, arrays are small-object-heap sized and the shared pool serves them well.
    private const int SmallBytes = 64 * 1024;

    // The shared pool's smallest arrays hold 16; a new stream's first few slots are allocated exactly instead (a stream of
    // one event needs one, and many such streams would each hold 16), and left to the garbage collector.
    private const int SmallestPooledSlots = 16;

    private static readonly Pool<byte> s_bodies = new(BodyLength);
    private static readonly Pool<EventSlot> s_slots = new(SlotsLength);
    private static readonly int s_smallSlots = SmallBytes / System.Runtime.CompilerServices.Unsafe.SizeOf<EventSlot>();

    /// <summary>
    /// The memory a full batch's arrays take: a body for <paramref name="maxBatchSize"/> counted bytes (their framing and
    /// some escaping make the body half as large again) and slots for <paramref name="maxBatchCount"/> events, plus the
    /// batch's own objects.
    /// </summary>
    public static long FullBatchFootprint(int maxBatchSize, int maxBatchCount) =>
        BodyCapacity(maxBatchSize + (maxBatchSize / 2)) + SlotsCapacity(maxBatchCount) * (long)System.Runtime.CompilerServices.Unsafe.SizeOf<EventSlot>() + SenderMemory.BatchOverhead;

    /// <summary>The length of the array <see cref="RentBody"/> gives for <paramref name="minimumLength"/>.</summary>
    public static int BodyCapacity(int minimumLength) =>
        minimumLength <= SmallBytes ? (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(minimumLength, 16))
        : minimumLength <= BodyLength ? BodyLength
        : minimumLength;

    /// <summary>The length of the array <see cref="RentSlots"/> gives for <paramref name="minimumLength"/>.</summary>
    public static int SlotsCapacity(int minimumLength) =>
        minimumLength < SmallestPooledSlots ? minimumLength
        : minimumLength <= s_smallSlots ? (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)minimumLength)
        : minimumLength <= SlotsLength ? SlotsLength
        : minimumLength;

    public static byte[] RentBody(int minimumLength) =>
        minimumLength <= SmallBytes ? ArrayPool<byte>.Shared.Rent(minimumLength)
        : minimumLength <= BodyLength ? s_bodies.Rent()
        : GC.AllocateUninitializedArray<byte>(minimumLength);

    public static void ReturnBody(byte[] body)
    {
        if (body.Length == BodyLength)
        {
            s_bodies.Return(body);
        }
        else if (body.Length <= SmallBytes)
        {
            ArrayPool<byte>.Shared.Return(body);
        }
    }

    public static EventSlot[] RentSlots(int minimumLength) =>
        minimumLength < SmallestPooledSlots ? new EventSlot[minimumLength]
        : minimumLength <= s_smallSlots ? ArrayPool<EventSlot>.Shared.Rent(minimumLength)
        : minimumLength <= SlotsLength ? s_slots.Rent()
        : new EventSlot[minimumLength];

    public static void ReturnSlots(EventSlot[] slots)
    {
        if (slots.Length == SlotsLength)
        {
            s_slots.Return(slots);
        }
        else if (slots.Length >= SmallestPooledSlots && slots.Length <= s_smallSlots)
        {
            ArrayPool<EventSlot>.Shared.Return(slots);
        }
    }

    private sealed class Pool<T>(int length)
    {
        private readonly Stack<T[]> _free = new();

        public T[] Rent()
        {
            lock (_free)
            {
                if (_free.TryPop(out T[]? array))
                {
                    return array;
                }
            }

            return GC.AllocateUninitializedArray<T>(length);
        }

        public void Return(T[] array)
        {
            lock (_free)
            {
                if (_free.Count < MaxRetained)
                {
                    _free.Push(array);
                }
            }
        }
    }
}
