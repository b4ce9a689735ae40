using Watchtower.Buffering;
using Watchtower.Tests.Support;

namespace Watchtower.Tests.Buffering;

/// <summary>The segment format and its reader, pure: records round-trip, and damage of every kind is found and passed over.</summary>
public sealed class SegmentFormatTests
{
    [Fact]
    public void ARecord_RoundTrips()
    {
        var buffer = new byte[256];
        int length = SegmentFormat.WriteEvent(buffer, 1_764_000_000_123, "stream/ü"u8, "héllo"u8, " …"u8);

        Assert.Equal(RecordCheck.Valid, SegmentFormat.ReadRecord(buffer.AsSpan(0, length), out int read, out EventRecordView record));
        Assert.Equal(length, read);
        Assert.Equal(1_764_000_000_123, record.TimestampMs);
        Assert.Equal("stream/ü"u8.ToArray(), record.StreamName.ToArray());
        Assert.Equal("héllo …"u8.ToArray(), record.Message.ToArray());
    }

    [Fact]
    public void EveryFlippedBit_IsFound()
    {
        var buffer = new byte[64];
        int length = SegmentFormat.WriteEvent(buffer, 42, "s"u8, "message"u8);
        for (int bit = 0; bit < length * 8; bit++)
        {
            byte[] copy = buffer[..length];
            copy[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.NotEqual(RecordCheck.Valid, SegmentFormat.ReadRecord(copy, out _, out _));
        }
    }

    [Fact]
    public void ATornRecord_IsIncomplete()
    {
        var buffer = new byte[64];
        int length = SegmentFormat.WriteEvent(buffer, 42, "s"u8, "message"u8);
        Assert.Equal(RecordCheck.Incomplete, SegmentFormat.ReadRecord(buffer.AsSpan(0, length - 1), out _, out _));
        Assert.Equal(RecordCheck.Incomplete, SegmentFormat.ReadRecord(buffer.AsSpan(0, 3), out _, out _));
    }

    [Fact]
    public void TheHeader_RoundTrips_AndANewerVersionIsRefused()
    {
        byte[] header = SegmentFormat.Header(7, 1234, "/app/orders");
        Assert.Equal(HeaderCheck.Valid, SegmentFormat.ReadHeader(header, out SegmentHeader read));
        Assert.Equal(new SegmentHeader(7, 1234, "/app/orders", header.Length), read);

        header[8] = 2;
        Assert.Equal(HeaderCheck.NewerVersion, SegmentFormat.ReadHeader(header, out _));
        Assert.Equal(HeaderCheck.NotASegment, SegmentFormat.ReadHeader("not a segment at all"u8, out _));
        Assert.Equal(HeaderCheck.Torn, SegmentFormat.ReadHeader(SegmentFormat.Header(7, 1234, "/g").AsSpan(0, 20), out _));

        byte[] damaged = SegmentFormat.Header(7, 1234, "/app/orders");
        damaged[20] ^= 1;
        Assert.Equal(HeaderCheck.Corrupt, SegmentFormat.ReadHeader(damaged, out _));
    }

    [Fact]
    public void TheReader_SkipsADamagedRecordAndATornEnd_AndReadsTheRest()
    {
        using TempFolder folder = TempFolder.ForCaller();
        SegmentFile segment = SegmentFile.Create(folder.Path, 0, "/g", 0);
        var records = new byte[4096];
        int length = 0;
        var starts = new List<int>();
        for (int i = 0; i < 10; i++)
        {
            starts.Add(segment.HeaderLength + length);
            length += SegmentFormat.WriteEvent(records.AsSpan(length), i, "s"u8, System.Text.Encoding.UTF8.GetBytes($"event {i}"));
        }

        records[starts[3] - segment.HeaderLength + 1] ^= 0x40; // the length of record 3
        records[starts[6] - segment.HeaderLength + 20] ^= 0x01; // a byte of record 6's message
        segment.Append(records.AsSpan(0, length - 5), 10); // record 9 torn
        segment.Sync();
        segment.Dispose();

        (HeaderCheck check, SegmentFile? recovered) = SegmentFile.Recover(segment.Path);
        Assert.Equal(HeaderCheck.Valid, check);
        var reader = new SegmentReader();
        reader.Start(recovered!, 0);
        var read = new List<long>();
        var skipped = new List<(long From, long To)>();
        ReadOutcome outcome;
        while ((outcome = reader.Next(out EventRecordView record, out long from)) != ReadOutcome.End)
        {
            if (outcome == ReadOutcome.Record)
            {
                read.Add(record.TimestampMs);
            }
            else
            {
                skipped.Add((from, reader.Position));
            }
        }

        Assert.Equal([0, 1, 2, 4, 5, 7, 8], read);
        Assert.Equal([(starts[3], starts[4]), (starts[6], starts[7]), (starts[9], recovered!.Length)], skipped.Select(s => ((int)s.From, s.To)).Select(s => (s.Item1, (long)s.Item2)).Select(s => ((long)s.Item1, s.Item2)));
        recovered.Dispose();
    }

    [Fact]
    public void TheTracker_AcknowledgesTheLongestFinishedRun_WhateverOrderEventsFinishIn()
    {
        var tracker = new AckTracker(new BufferPosition(0, 10));
        long a = tracker.Read(new BufferPosition(0, 20));
        long b = tracker.Read(new BufferPosition(0, 30));
        tracker.Passed(new BufferPosition(0, 35));
        long c = tracker.Read(new BufferPosition(1, 40));

        tracker.Finish(b);
        tracker.Finish(c);
        Assert.Equal(new BufferPosition(0, 10), tracker.Acknowledged);
        Assert.Equal(1, tracker.OutstandingEvents);

        tracker.Finish(a);
        Assert.Equal(new BufferPosition(1, 40), tracker.Acknowledged);
        Assert.Equal(0, tracker.OutstandingEvents);

        tracker.Finish(a); // twice: no effect
        tracker.Passed(new BufferPosition(2, 0));
        Assert.Equal(new BufferPosition(2, 0), tracker.Acknowledged);
    }
}
