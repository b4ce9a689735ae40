using Watchtower.Buffering;
using Watchtower.Diagnostics;
using Watchtower.Tests.Support;
using Watchtower.Tests.Support.Faults;

namespace Watchtower.Tests.Buffering;

/// <summary>
/// The on-disk buffer in process, on the strict fake and a fake clock: delivery through the disk, what one handler
/// leaves and the next delivers, the lock, the bound, damaged files and a disk that refuses writes. A handler that
/// "crashes" here is one disposed during an outage (the sender stops at once and leaves everything on the disk); the
/// real kill -9 is in Integration/BufferCrashTests.
/// </summary>
public sealed class DiskBufferTests
{
    private static readonly TimeSpan s_step = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task Events_GoThroughTheDisk_AndACleanShutdownLeavesNoSegment()
    {
        using TempFolder folder = TempFolder.ForCaller();
        await using (var h = Harness(folder.Path))
        {
            Emit(h, "s", 0, 100);
            Task flush = h.Handler.FlushAsync();
            await h.AdvanceUntilAsync(() => flush.IsCompleted, s_step, "the events to be delivered");

            Assert.Equal(Numbered(0, 100), h.Fake.AllMessages(HandlerHarness.Group));
            Assert.Equal(100, h.Handler.Ledger.Buffer!.Spooled);
            Assert.Equal(0, h.Metrics.DroppedTotal);
        }

        Assert.Empty(Segments(folder.Path));
    }

    [Fact]
    public async Task AnIdleBufferedHandler_Sleeps()
    {
        using TempFolder folder = TempFolder.ForCaller();
        await using var h = Harness(folder.Path);
        Emit(h, "s", 0, 10);
        Task flush = h.Handler.FlushAsync();
        await h.AdvanceUntilAsync(() => flush.IsCompleted, s_step, "delivery");

        // The last acknowledgement is synced within BufferFsyncInterval; after that nothing is due, so nothing wakes it.
        h.Clock.Advance(TimeSpan.FromSeconds(2));
        await h.IdleAsync();
        long before = h.Handler.SenderRounds;
        h.Clock.Advance(TimeSpan.FromMinutes(10));
        await Task.Delay(50);
        Assert.Equal(before, h.Handler.SenderRounds);

        // Each idle wait wakes it once, and only once: nothing of the buffer's keeps it going.
        for (int i = 0; i < 20; i++)
        {
            h.Clock.Advance(TimeSpan.FromSeconds(10));
            await h.IdleAsync();
        }

        Assert.InRange(h.Handler.SenderRounds - before, 20, 22);
    }

    [Fact]
    public async Task AnEarlierHandlersEvents_AreDeliveredFirst_InOrder_ToTheirStreams()
    {
        using TempFolder folder = TempFolder.ForCaller();
        await LeaveUndelivered(folder.Path, ("a", 0, 30), ("b", 30, 20));
        Assert.NotEmpty(Segments(folder.Path));

        await using var h = Harness(folder.Path);
        Emit(h, "a", 50, 5);
        await h.AdvanceUntilAsync(() => h.Fake.AllMessages(HandlerHarness.Group).Count == 55, s_step, "the earlier and the new events");

        Assert.Equal([.. Numbered(0, 30), .. Numbered(50, 5)], h.Fake.Messages(HandlerHarness.Group, "a"));
        Assert.Equal(Numbered(30, 20), h.Fake.Messages(HandlerHarness.Group, "b"));
        Assert.Equal(50, h.Metrics.Recovered);
        Assert.Equal(50, h.Handler.GetReport().Recovered);

        // The earlier handler had tried to send them all: each may have been stored, so each is counted.
        Assert.Equal(50, h.Metrics.PossiblyDuplicated);
        Assert.Equal(0, h.Metrics.DroppedTotal);
    }

    [Fact]
    public async Task EventsAnEarlierHandlerMeantForAnotherGroup_AreDeliveredToThatGroup()
    {
        using TempFolder folder = TempFolder.ForCaller();
        await LeaveUndelivered(folder.Path, o => o.LogGroupName = "/app/earlier", ("s", 0, 20));

        await using var h = Harness(folder.Path, o => o.LogGroupTags = new Dictionary<string, string> { ["team"] = "orders" });
        Emit(h, "s", 20, 5);
        await h.AdvanceUntilAsync(() => h.Metrics.Sent == 25, s_step, "both groups' events");

        Assert.Equal(Numbered(0, 20), h.Fake.Messages("/app/earlier", "s"));
        Assert.Equal(Numbered(20, 5), h.Fake.Messages(HandlerHarness.Group, "s"));

        // Created plain: this handler's tags are its own group's.
        Assert.Empty(h.Fake.Tags("/app/earlier"));
        Assert.Contains(h.Warnings, w => w.Contains("meant for log group '/app/earlier'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EventsNotYetRead_AreNotCountedAsPossiblyDuplicated()
    {
        using TempFolder folder = TempFolder.ForCaller();

        // A sender held at its bound reads only part of what is on the disk (one batch of 10 at a time, one request).
        await LeaveUndelivered(folder.Path, o => { o.MaxBatchCount = 10; o.MaxConcurrentSends = 1; }, ("s", 0, 100));

        await using var h = Harness(folder.Path);
        await h.AdvanceUntilAsync(() => h.Fake.AllMessages(HandlerHarness.Group).Count == 100, s_step, "the earlier events");
        Assert.Equal(Numbered(0, 100), h.Fake.AllMessages(HandlerHarness.Group));
        Assert.InRange(h.Metrics.PossiblyDuplicated, 10, 20);
    }

    [Fact]
    public async Task ASecondLiveHandlerOnTheDirectory_FailsAtStartup_NamingTheFix()
    {
        using TempFolder folder = TempFolder.ForCaller();
        await using var h = Harness(folder.Path);

        var options = new CloudWatchLogHandlerOptions { LogGroupName = HandlerHarness.Group, Client = h.Client, BufferDirectory = folder.Path };
        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => new CloudWatchLogHandler(options));
        Assert.Contains("is in use by process " + Environment.ProcessId, e.Message, StringComparison.Ordinal);
        Assert.Contains("give each process, and each handler in one process, a BufferDirectory of its own", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheDirectoryIsFreeAgain_OnceTheHandlerIsDisposed()
    {
        using TempFolder folder = TempFolder.ForCaller();
        await using (Harness(folder.Path))
        {
        }

        await using var again = Harness(folder.Path);
        Assert.NotNull(again.Handler.Ledger.Buffer);
    }

    [Fact]
    public async Task AnOutageLongerThanTheBound_KeepsTheDiskWithinIt_CountsTheDrops_AndDeliversTheRest()
    {
        using TempFolder folder = TempFolder.ForCaller();
        const int Total = 20_000;
        await using var h = Harness(folder.Path, o =>
        {
            // A sender bound (two batches of 64 KiB) far below what is logged, and a disk bound below that.
            o.MaxMessageSize = 256;
            o.MaxBatchSize = 64 * 1024;
            o.MaxConcurrentSends = 1;
            o.BufferMaxBytes = 1024 * 1024;
            o.ReportDropsInStream = false;
        });
        h.Faults.Then(FaultKind.ServiceUnavailable, 100_000_000);
        DiskBuffer buffer = h.Handler.Ledger.Buffer!;

        long mostOnDisk = 0;
        for (int i = 0; i < Total; i += 500)
        {
            Emit(h, "s", i, 500, padding: 200);
            h.Clock.Advance(s_step);
            await h.IdleAsync();
            mostOnDisk = Math.Max(mostOnDisk, DiskBytes(folder.Path));
            Assert.True(h.Handler.Queue!.Bytes < 200_000, $"the queue holds {h.Handler.Queue.Bytes} bytes");
        }

        Assert.InRange(mostOnDisk, 512 * 1024, 1024 * 1024 + 4096);
        Assert.True(buffer.BytesOnDisk <= 1024 * 1024);
        long full = h.Metrics.Dropped(DropReason.BufferFull);
        Assert.InRange(full, Total / 2, Total - 1000);
        Assert.Contains(h.Warnings, w => w.Contains("reached BufferMaxBytes", StringComparison.Ordinal));

        // The endpoint returns: everything not dropped arrives, once each, in order.
        h.Faults.Clear();
        await h.AdvanceUntilAsync(() => h.Metrics.Sent + full == Total, TimeSpan.FromSeconds(5), "the rest to be delivered");
        IReadOnlyList<string> delivered = h.Fake.AllMessages(HandlerHarness.Group);
        Assert.Equal(delivered.Count, delivered.Distinct().Count());
        Assert.Equal(delivered.OrderBy(NumberOf), delivered);
        Assert.Equal(Total - 1, NumberOf(delivered[^1]));
        Assert.Equal(0, h.Metrics.Dropped(DropReason.RetryTimeLimit));
    }

    [Fact]
    public async Task DamagedAndForeignFiles_AreRecoveredAround_AndCounted()
    {
        using TempFolder folder = TempFolder.ForCaller();
        await LeaveUndelivered(folder.Path, ("s", 0, 40));
        string segment = Assert.Single(Segments(folder.Path));
        byte[] bytes = File.ReadAllBytes(segment);

        // A bit flipped in the 11th event's message, and the last record torn half-way by a crash.
        int flipped = bytes.AsSpan().IndexOf("event 10"u8);
        bytes[flipped + 3] ^= 0x10;
        int last = bytes.AsSpan().LastIndexOf("event 39"u8);
        File.WriteAllBytes(segment, bytes[..(last + 4)]);

        // Files that are not segments: left alone, or, named as one but not one, set aside.
        folder.Write("notes.txt", "not a segment");
        string garbage = folder.Write(SegmentFormat.FileName(900), "this is no segment at all");
        string newer = Path.Combine(folder.Path, SegmentFormat.FileName(901));
        byte[] newerHeader = SegmentFormat.Header(901, 0, HandlerHarness.Group);
        newerHeader[8] = 2;
        File.WriteAllBytes(newer, newerHeader);

        await using var h = Harness(folder.Path);
        await h.AdvanceUntilAsync(() => h.Metrics.Sent >= 38, s_step, "the undamaged events", maxSteps: 50);

        // The damage is told in the stream too, where the gap is.
        Assert.Contains(h.Fake.AllMessages(HandlerHarness.Group), m => m.StartsWith("Watchtower: ", StringComparison.Ordinal) && m.Contains("buffer corrupt", StringComparison.Ordinal));
        Assert.Equal(Numbered(0, 40).Where(m => m is not ("event 10" or "event 39")), h.Fake.AllMessages(HandlerHarness.Group).Where(m => m.StartsWith("event", StringComparison.Ordinal)));
        Assert.Equal(3, h.Metrics.Dropped(DropReason.BufferCorrupt));
        Assert.Contains(h.Warnings, w => w.Contains("is damaged from byte", StringComparison.Ordinal));
        Assert.Contains(h.Warnings, w => w.Contains("written by a newer version", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(folder.Path, "notes.txt")));
        Assert.True(File.Exists(garbage + ".damaged"));
        Assert.True(File.Exists(newer));
    }

    [Fact]
    public async Task ADirectoryThatCannotBeMade_FallsBackToMemory_WithOneWarning()
    {
        using TempFolder folder = TempFolder.ForCaller();
        string notADirectory = folder.Write("file", "x");
        await using var h = Harness(Path.Combine(notADirectory, "buffer"));

        Emit(h, "s", 0, 10);
        Task flush = h.Handler.FlushAsync();
        await h.AdvanceUntilAsync(() => flush.IsCompleted, s_step, "delivery from memory");
        Assert.Equal(Numbered(0, 10), h.Fake.AllMessages(HandlerHarness.Group));
        Assert.Null(h.Handler.Ledger.Buffer);
        Assert.Single(h.Warnings, w => w.Contains("cannot be used", StringComparison.Ordinal) && w.Contains("kept in memory only", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AWriteThatFails_KeepsTheEventsInMemory_AndTheDiskIsTriedAgainAMinuteLater()
    {
        using TempFolder folder = TempFolder.ForCaller();

        // Where the first segment would go, a directory: creating it fails as a full or read-only disk would.
        Directory.CreateDirectory(Path.Combine(folder.Path, SegmentFormat.FileName(0)));
        await using var h = Harness(folder.Path);

        Emit(h, "s", 0, 10);
        Task flush = h.Handler.FlushAsync();
        await h.AdvanceUntilAsync(() => flush.IsCompleted, s_step, "delivery from memory");
        Assert.Equal(Numbered(0, 10), h.Fake.AllMessages(HandlerHarness.Group));
        Assert.True(h.Warnings.Count(w => w.Contains("Writing to the buffer directory", StringComparison.Ordinal)) == 1, string.Join("\n", h.Warnings));
        Assert.False(h.Handler.Ledger.Buffer!.IsWritable);

        h.Clock.Advance(TimeSpan.FromMinutes(1));
        Emit(h, "s", 10, 10);
        flush = h.Handler.FlushAsync();
        await h.AdvanceUntilAsync(() => flush.IsCompleted, s_step, "delivery through the disk again");
        Assert.Equal(Numbered(0, 20), h.Fake.AllMessages(HandlerHarness.Group));
        Assert.True(h.Handler.Ledger.Buffer.IsWritable);
        Assert.Contains(h.Warnings, w => w.Contains("can be written again", StringComparison.Ordinal));
        Assert.Equal(0, h.Metrics.DroppedTotal);
    }

    [Fact]
    public async Task WaitingForFsync_ReturnsOnlyOnceTheEventIsOnTheDisk()
    {
        using TempFolder folder = TempFolder.ForCaller();
        await using var h = Harness(folder.Path, o => o.BufferWaitForFsync = true);

        // No clock moves: the call itself waits for the sender to write and sync it.
        Assert.True(h.Handler.Emit("event 0", h.Now, "s"));
        string segment = Assert.Single(Segments(folder.Path));
        Assert.Contains("event 0", File.ReadAllText(segment), StringComparison.Ordinal);
    }

    private static HandlerHarness Harness(string directory, Action<CloudWatchLogHandlerOptions>? configure = null) => new(o =>
    {
        o.BufferDirectory = directory;
        configure?.Invoke(o);
    });

    /// <summary>A handler that logs the given runs during an outage and stops: everything is left on the disk.</summary>
    private static Task LeaveUndelivered(string directory, params (string Stream, int From, int Count)[] runs) => LeaveUndelivered(directory, null, runs);

    private static async Task LeaveUndelivered(string directory, Action<CloudWatchLogHandlerOptions>? configure, params (string Stream, int From, int Count)[] runs)
    {
        HandlerHarness h = Harness(directory, configure);
        h.Faults.Then(FaultKind.ServiceUnavailable, 1_000_000);
        foreach ((string stream, int from, int count) in runs)
        {
            Emit(h, stream, from, count);
        }

        // A flush seals the batches at once, so that the sender has tried to send them (and read them) before it stops.
        _ = h.Handler.FlushAsync();
        h.Clock.Advance(s_step);
        await h.IdleAsync();
        await HandlerHarness.WaitUntilAsync(() => h.Faults.Injected(FaultKind.ServiceUnavailable) > 0, "an attempt");
        await h.IdleAsync();
        // Stopped while the outage lasts (the harness's own disposal would end it first), on the fake clock.
        Task disposal = h.Handler.DisposeAsync().AsTask();
        for (int i = 0; i < 600 && !disposal.IsCompleted; i++)
        {
            await Task.WhenAny(disposal, Task.Delay(10));
            h.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        await disposal;
        HandlerMetrics metrics = h.Metrics;
        await h.DisposeAsync();
        Assert.True(h.Warnings.Any(w => w.Contains("are kept in the buffer directory", StringComparison.Ordinal)), string.Join("\n", h.Warnings) + $" sent {metrics.Sent} dropped {metrics.DroppedTotal} enq {metrics.Enqueued}");
        Assert.Equal(0, metrics.Dropped(DropReason.ShutdownTimeout));
    }

    private static void Emit(HandlerHarness h, string stream, int from, int count, int padding = 0)
    {
        string pad = padding > 0 ? " " + new string('x', padding) : string.Empty;
        for (int i = from; i < from + count; i++)
        {
            Assert.True(h.Handler.Emit($"event {i}{pad}", h.Now.AddMilliseconds(i), stream));
        }
    }

    private static IEnumerable<string> Numbered(int from, int count) => Enumerable.Range(from, count).Select(i => $"event {i}");

    private static int NumberOf(string message) => int.Parse(message.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);

    private static string[] Segments(string directory) => Directory.GetFiles(directory, "segment-*" + SegmentFormat.FileExtension);

    /// <summary>The segments' bytes; one the sender deletes while they are listed counts as nothing.</summary>
    private static long DiskBytes(string directory) => Segments(directory).Select(f => new FileInfo(f)).Sum(f =>
    {
        f.Refresh();
        return f.Exists ? f.Length : 0;
    });
}
