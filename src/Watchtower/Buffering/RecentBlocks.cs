using System.Runtime.CompilerServices;

namespace Watchtower.Buffering;

/// <summary>
/// The blocks this process last wrote, kept in memory until the reader has passed them: at steady state the sender
/// reads back what it wrote a moment ago, and reading it from here costs neither a read from the file nor a second
/// checksum (the bytes never left memory). A reader that falls behind (an outage) finds its blocks gone and reads the
/// file instead. At most <see cref="MaxBlocks"/> blocks of <see cref="BlockBytes"/> (4 MiB); the arrays are reused.
/// </summary>
internal sealed class RecentBlocks
{
    public const int BlockBytes = 256 * 1024;
    private const int MaxBlocks = 16;

    private readonly Queue<(long Segment, long Offset, int Length, byte[] Data)> _blocks = new();
    private readonly Stack<byte[]> _free = new();

    /// <summary>An array for the next block: one the reader has passed, or a new one.</summary>
    public byte[] Rent() => _free.Count > 0 ? _free.Pop() : GC.AllocateUninitializedArray<byte>(BlockBytes);

    /// <summary>Keeps a block just written at <paramref name="offset"/> of <paramref name="segment"/>; the oldest goes when there are too many.</summary>
    public void Keep(byte[] data, long segment, long offset, int length)
    {
        if (_blocks.Count == MaxBlocks)
        {
            _free.Push(_blocks.Dequeue().Data);
        }

        _blocks.Enqueue((segment, offset, length, data));
    }

    /// <summary>The kept bytes from <paramref name="offset"/> of <paramref name="segment"/> to the end of their block, if they are kept; blocks before it are let go.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryGet(long segment, long offset, out ReadOnlySpan<byte> bytes)
    {
        while (_blocks.TryPeek(out (long Segment, long Offset, int Length, byte[] Data) passed)
            && (passed.Segment < segment || (passed.Segment == segment && passed.Offset + passed.Length <= offset)))
        {
            _free.Push(_blocks.Dequeue().Data);
        }

        if (_blocks.TryPeek(out (long Segment, long Offset, int Length, byte[] Data) block) && block.Segment == segment && block.Offset <= offset)
        {
            bytes = block.Data.AsSpan((int)(offset - block.Offset), (int)(block.Offset + block.Length - offset));
            return true;
        }

        bytes = default;
        return false;
    }
}
