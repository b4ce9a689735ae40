using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Numerics;
using System.Text;

namespace Watchtower.Buffering;

/// <summary>
/// The on-disk format of the buffer's segment files, version 1. Everything is little-endian.
/// <code>
/// File name: segment-{number, 16 decimal digits}.wtb   (numbers grow; the oldest segment has the lowest)
///
/// Header
///   0   8  magic "WTBUFSEG"
///   8   2  format version (1)
///  10   2  header length H, in bytes, checksum included (records start at H)
///  12   4  flags (0; a reader of version 1 refuses a file with other flags)
///  16   8  segment number (as in the file name)
///  24   8  created, Unix milliseconds
///  32   2  log group name length G
///  34   G  log group name, UTF-8: the group every event of this segment is meant for
///  34+G 4  CRC-32C of bytes [0, 34+G)
///
/// Records, one after another from H to the end of the file
///   0   4  payload length L
///   4   4  CRC-32C of the 4 length bytes and the L payload bytes
///   8   L  payload:
///            0  1  record type (1 = event)
///            1  8  timestamp, Unix milliseconds
///            9  2  stream name length N
///           11  N  stream name, UTF-8
///         11+N     message, UTF-8 (the rest of the payload, at least 1 byte)
/// </code>
/// A record whose checksum does not match (a bit flip, a write torn by a crash) is skipped: the reader looks for the
/// next offset at which a whole record with a matching checksum starts. A file whose magic is not this one is not a
/// segment; one with a newer version, or flags this version does not know, is refused and left in place, so that the
/// version that wrote it can still read it.
/// </summary>
internal static class SegmentFormat
{
    public const ushort Version = 1;
    public const string FileExtension = ".wtb";
    public const int FixedHeaderLength = 34;
    public const int RecordHeaderLength = 8;
    public const byte EventRecordType = 1;

    /// <summary>The payload's bytes before the stream name: type, timestamp, name length.</summary>
    public const int EventFixedLength = 11;

    /// <summary>CloudWatch stream names are at most 512 characters: 1,536 UTF-8 bytes, with room to spare.</summary>
    public const int MaxStreamNameBytes = 2048;

    /// <summary>The longest payload a valid record can have: a message CloudWatch accepts and the longest stream name.</summary>
    public const int MaxPayloadLength = EventFixedLength + MaxStreamNameBytes + CloudWatchLogHandlerOptions.ServiceMaxMessageSize;

    /// <summary>The longest record, header included: what a read buffer must hold at once.</summary>
    public const int MaxRecordLength = RecordHeaderLength + MaxPayloadLength;

    private const string FilePrefix = "segment-";

    public static ReadOnlySpan<byte> Magic => "WTBUFSEG"u8;

    public static string FileName(long number) => FilePrefix + number.ToString("D16", System.Globalization.CultureInfo.InvariantCulture) + FileExtension;

    /// <summary>Whether <paramref name="fileName"/> is named as a segment, and its number.</summary>
    public static bool TryParseFileName(string fileName, out long number)
    {
        number = 0;
        return fileName.StartsWith(FilePrefix, StringComparison.Ordinal)
            && fileName.EndsWith(FileExtension, StringComparison.Ordinal)
            && fileName.Length == FilePrefix.Length + 16 + FileExtension.Length
            && long.TryParse(fileName.AsSpan(FilePrefix.Length, 16), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out number);
    }

    /// <summary>A segment's header.</summary>
    public static byte[] Header(long number, long createdMs, string logGroupName)
    {
        int groupLength = Encoding.UTF8.GetByteCount(logGroupName);
        var header = new byte[FixedHeaderLength + groupLength + 4];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), Version);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(10), (ushort)header.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(12), 0);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(16), number);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(24), createdMs);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(32), (ushort)groupLength);
        Encoding.UTF8.GetBytes(logGroupName, header.AsSpan(FixedHeaderLength));
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(FixedHeaderLength + groupLength), Crc(header.AsSpan(0, FixedHeaderLength + groupLength)));
        return header;
    }

    /// <summary>Reads a header from the start of a file (at least its first bytes, up to 4 KiB).</summary>
    public static HeaderCheck ReadHeader(ReadOnlySpan<byte> start, out SegmentHeader header)
    {
        header = default;
        if (start.Length < 12 || !start[..8].SequenceEqual(Magic))
        {
            return start.Length < 12 && Magic.StartsWith(start) ? HeaderCheck.Torn : HeaderCheck.NotASegment;
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(start[8..]);
        int length = BinaryPrimitives.ReadUInt16LittleEndian(start[10..]);
        if (version > Version)
        {
            return HeaderCheck.NewerVersion;
        }

        if (length < FixedHeaderLength + 4 || start.Length < length)
        {
            return start.Length < length ? HeaderCheck.Torn : HeaderCheck.Corrupt;
        }

        int groupLength = BinaryPrimitives.ReadUInt16LittleEndian(start[32..]);
        if (FixedHeaderLength + groupLength + 4 != length || BinaryPrimitives.ReadUInt32LittleEndian(start[(length - 4)..]) != Crc(start[..(length - 4)]))
        {
            return HeaderCheck.Corrupt;
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(start[12..]) != 0)
        {
            return HeaderCheck.NewerVersion;
        }

        header = new SegmentHeader(
            BinaryPrimitives.ReadInt64LittleEndian(start[16..]),
            BinaryPrimitives.ReadInt64LittleEndian(start[24..]),
            Encoding.UTF8.GetString(start.Slice(FixedHeaderLength, groupLength)),
            length);
        return HeaderCheck.Valid;
    }

    /// <summary>The bytes an event's record takes.</summary>
    public static int EventRecordLength(int streamNameBytes, int messageBytes) => RecordHeaderLength + EventFixedLength + streamNameBytes + messageBytes;

    /// <summary>Writes an event's record (the message as <paramref name="message"/> then <paramref name="suffix"/>); returns its length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int WriteEvent(Span<byte> into, long timestampMs, ReadOnlySpan<byte> streamName, ReadOnlySpan<byte> message, ReadOnlySpan<byte> suffix = default)
    {
        int payload = EventFixedLength + streamName.Length + message.Length + suffix.Length;
        BinaryPrimitives.WriteInt32LittleEndian(into, payload);
        Span<byte> body = into.Slice(RecordHeaderLength, payload);
        body[0] = EventRecordType;
        BinaryPrimitives.WriteInt64LittleEndian(body[1..], timestampMs);
        BinaryPrimitives.WriteUInt16LittleEndian(body[9..], (ushort)streamName.Length);
        streamName.CopyTo(body[EventFixedLength..]);
        message.CopyTo(body[(EventFixedLength + streamName.Length)..]);
        suffix.CopyTo(body[(EventFixedLength + streamName.Length + message.Length)..]);
        BinaryPrimitives.WriteUInt32LittleEndian(into[4..], Crc(body, Crc(into[..4])));
        return RecordHeaderLength + payload;
    }

    /// <summary>
    /// Looks at the record starting at <paramref name="data"/>[0]: <see cref="RecordCheck.Valid"/> with its length and
    /// parts; <see cref="RecordCheck.Incomplete"/> when <paramref name="data"/> ends before the record does (read more,
    /// or, at the end of the file, a torn write); <see cref="RecordCheck.Corrupt"/> when no record starts here.
    /// </summary>
    /// <param name="data">The bytes from the record's start.</param>
    /// <param name="recordLength">The whole record's length, when valid.</param>
    /// <param name="record">Its parts, when valid.</param>
    /// <param name="verify">Whether to check the checksum; false only for bytes that never left this process's memory.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static RecordCheck ReadRecord(ReadOnlySpan<byte> data, out int recordLength, out EventRecordView record, bool verify = true)
    {
        recordLength = 0;
        record = default;
        if (data.Length < RecordHeaderLength)
        {
            return RecordCheck.Incomplete;
        }

        int payload = BinaryPrimitives.ReadInt32LittleEndian(data);
        if (payload is < EventFixedLength + 1 or > MaxPayloadLength)
        {
            return RecordCheck.Corrupt;
        }

        if (data.Length < RecordHeaderLength + payload)
        {
            return RecordCheck.Incomplete;
        }

        ReadOnlySpan<byte> body = data.Slice(RecordHeaderLength, payload);
        int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(body[9..]);
        if ((verify && BinaryPrimitives.ReadUInt32LittleEndian(data[4..]) != Crc(body, Crc(data[..4])))
            || body[0] != EventRecordType
            || nameLength > MaxStreamNameBytes
            || EventFixedLength + nameLength >= payload)
        {
            return RecordCheck.Corrupt;
        }

        recordLength = RecordHeaderLength + payload;
        record = new EventRecordView(
            BinaryPrimitives.ReadInt64LittleEndian(body[1..]),
            body.Slice(EventFixedLength, nameLength),
            body[(EventFixedLength + nameLength)..]);
        return RecordCheck.Valid;
    }

    /// <summary>CRC-32C (Castagnoli), in hardware where the processor has it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static uint Crc(ReadOnlySpan<byte> data, uint seed = 0)
    {
        uint crc = ~seed;
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (byte b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return ~crc;
    }
}
