using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace Watchtower.Buffering;

/// <summary>
/// How far the buffer has been delivered and read, kept across crashes in <c>watchtower.ack</c>: every event before
/// <see cref="Acknowledged"/> is finished with (delivered, or counted as dropped), and no event at or after
/// <see cref="Taken"/> had been handed to the sender yet. A restart reads again from the first; what it reads before
/// the second may have been sent already, and is counted as possibly duplicated.
/// <code>
/// Two slots of 64 bytes, written in turn, so that a write torn by a crash spoils only one:
///   0  4  magic "WTAK"
///   4  8  write counter (the slot with the higher valid counter is the current one)
///  12  8  acknowledged: segment number     20  8  acknowledged: offset
///  28  8  taken: segment number            36  8  taken: offset
///  44  4  CRC-32C of bytes [0, 44)
/// </code>
/// </summary>
internal sealed class AckFile : IDisposable
{
    public const string FileName = "watchtower.ack";

    private const int SlotLength = 64;
    private const int ChecksumOffset = 44;

    private readonly SafeFileHandle _handle;
    private readonly byte[] _slot = new byte[SlotLength];
    private long _counter;
    private bool _dirtySinceSync;

    private AckFile(SafeFileHandle handle, long counter, BufferPosition acknowledged, BufferPosition taken, bool found)
    {
        _handle = handle;
        _counter = counter;
        Acknowledged = acknowledged;
        Taken = taken;
        Found = found;
    }

    private static ReadOnlySpan<byte> Magic => "WTAK"u8;

    public BufferPosition Acknowledged { get; private set; }

    public BufferPosition Taken { get; private set; }

    /// <summary>Whether a valid record was found when the file was opened (false: a new directory, or both slots damaged).</summary>
    public bool Found { get; }

    /// <summary>Opens (or creates) the file in <paramref name="directory"/> and reads its current slot.</summary>
    public static AckFile Open(string directory)
    {
        SafeFileHandle handle = File.OpenHandle(Path.Combine(directory, FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite);
        var both = new byte[SlotLength * 2];
        int read = RandomAccess.Read(handle, both, 0);
        (long counter, BufferPosition acknowledged, BufferPosition taken) best = (-1, BufferPosition.Start, BufferPosition.Start);
        for (int slot = 0; slot < 2; slot++)
        {
            if (read >= (slot * SlotLength) + ChecksumOffset + 4 && TryRead(both.AsSpan(slot * SlotLength, SlotLength), out long counter, out BufferPosition a, out BufferPosition t) && counter > best.counter)
            {
                best = (counter, a, t);
            }
        }

        return new AckFile(handle, Math.Max(best.counter, 0), best.acknowledged, best.taken, best.counter >= 0);
    }

    /// <summary>Writes both positions, if either moved (to the page cache: a crash of the process keeps it; <see cref="Sync"/> for power loss).</summary>
    /// <returns>Whether anything was written.</returns>
    public bool Write(BufferPosition acknowledged, BufferPosition taken)
    {
        if (acknowledged == Acknowledged && taken == Taken && _counter > 0)
        {
            return false;
        }

        _counter++;
        Span<byte> slot = _slot;
        Magic.CopyTo(slot);
        BinaryPrimitives.WriteInt64LittleEndian(slot[4..], _counter);
        BinaryPrimitives.WriteInt64LittleEndian(slot[12..], acknowledged.Segment);
        BinaryPrimitives.WriteInt64LittleEndian(slot[20..], acknowledged.Offset);
        BinaryPrimitives.WriteInt64LittleEndian(slot[28..], taken.Segment);
        BinaryPrimitives.WriteInt64LittleEndian(slot[36..], taken.Offset);
        BinaryPrimitives.WriteUInt32LittleEndian(slot[ChecksumOffset..], SegmentFormat.Crc(slot[..ChecksumOffset]));
        RandomAccess.Write(_handle, slot, (_counter % 2) * SlotLength);
        Acknowledged = acknowledged;
        Taken = taken;
        _dirtySinceSync = true;
        return true;
    }

    /// <summary>Flushes the file to the disk, if it was written since the last time.</summary>
    public void Sync()
    {
        if (_dirtySinceSync)
        {
            RandomAccess.FlushToDisk(_handle);
            _dirtySinceSync = false;
        }
    }

    public void Dispose() => _handle.Dispose();

    private static bool TryRead(ReadOnlySpan<byte> slot, out long counter, out BufferPosition acknowledged, out BufferPosition taken)
    {
        counter = BinaryPrimitives.ReadInt64LittleEndian(slot[4..]);
        acknowledged = new BufferPosition(BinaryPrimitives.ReadInt64LittleEndian(slot[12..]), BinaryPrimitives.ReadInt64LittleEndian(slot[20..]));
        taken = new BufferPosition(BinaryPrimitives.ReadInt64LittleEndian(slot[28..]), BinaryPrimitives.ReadInt64LittleEndian(slot[36..]));
        return slot[..4].SequenceEqual(Magic) && BinaryPrimitives.ReadUInt32LittleEndian(slot[ChecksumOffset..]) == SegmentFormat.Crc(slot[..ChecksumOffset]);
    }
}
