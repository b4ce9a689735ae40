using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Watchtower.Tests.Support;

namespace Watchtower.Tests.Integration;

/// <summary>
/// The on-disk buffer against a real kill -9: the test app logs numbered events with a buffer directory and is killed
/// mid-stream with SIGKILL; a second process on the same directory delivers what the first left. An event counts as
/// returned when its "logged N" line reached this test (the call had returned by then), so the set that must arrive,
/// those returned at least BufferWriteInterval (100 ms) before the kill, is if anything smaller than the truth.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class BufferCrashTests(MotoFixture moto)
{
    // More than the app logs before it is killed: it is always killed mid-stream.
    private const int Events = 1_000_000;
    private const int KillAfter = 5_000;
    private static readonly TimeSpan s_bufferWriteInterval = TimeSpan.FromMilliseconds(100);

    // Port 1 on loopback: nothing listens, every request is refused at once.
    private static readonly Uri s_unreachable = new("http://127.0.0.1:1");

    [Fact]
    public async Task KilledWhileEveryPutFails_ASecondProcessDeliversEveryEventThatHadReturned_WithoutDuplicates()
    {
        using TempFolder folder = TempFolder.ForCaller();
        string group = MotoFixture.UniqueGroupName("buffer-kill-outage");
        int[] mustArrive = await LogAndKillAsync(s_unreachable, group, folder.Path);

        (IReadOnlyList<int> delivered, Report report) = await DrainAsync(group, folder.Path);

        Assert.Empty(mustArrive.Except(delivered));
        Assert.Equal(delivered.Count, delivered.Distinct().Count());
        Assert.Equal(delivered.Order(), delivered);
        Assert.Equal(delivered.Count, report.Delivered);
        Assert.Equal(0, report.Dropped);
    }

    [Fact]
    public async Task KilledWhileDelivering_NothingIsMissing_AndDuplicatesAreCounted()
    {
        using TempFolder folder = TempFolder.ForCaller();
        string group = MotoFixture.UniqueGroupName("buffer-kill-healthy");
        int[] mustArrive = await LogAndKillAsync(moto.Endpoint, group, folder.Path);

        (IReadOnlyList<int> delivered, Report report) = await DrainAsync(group, folder.Path);

        Assert.Empty(mustArrive.Except(delivered));
        int duplicates = delivered.Count - delivered.Distinct().Count();
        Assert.True(duplicates <= report.PossiblyDuplicated, $"{duplicates} duplicates, {report.PossiblyDuplicated} counted as possibly duplicated");
        Assert.Equal(0, report.Dropped);
    }

    [Fact]
    public async Task ASecondLiveProcessOnTheDirectory_FailsAtStartup_SayingWhoHoldsIt()
    {
        using TempFolder folder = TempFolder.ForCaller();
        string group = MotoFixture.UniqueGroupName("buffer-locked");
        using var first = TestAppProcess.Start("buffer-log", moto.Endpoint, group, 10, Buffer(folder.Path));
        await first.WaitUntilReadyAsync();

        using var second = TestAppProcess.Start("buffer-log", moto.Endpoint, group, 10, Buffer(folder.Path));
        Assert.Equal(3, await second.WaitForExitAsync());
        Assert.Contains($"is in use by process {first.Id}", second.Output, StringComparison.Ordinal);
        Assert.Contains("a BufferDirectory of its own", second.Output, StringComparison.Ordinal);
    }

    /// <summary>Runs the app until it has logged <see cref="KillAfter"/> events, kills it, and gives the events that must survive.</summary>
    private static async Task<int[]> LogAndKillAsync(Uri endpoint, string group, string directory)
    {
        var returned = new ConcurrentQueue<(int Number, long At)>();
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var app = TestAppProcess.Start("buffer-log", endpoint, group, Events, Buffer(directory), line =>
        {
            if (line.StartsWith("logged ", StringComparison.Ordinal))
            {
                returned.Enqueue((int.Parse(line.AsSpan(7), CultureInfo.InvariantCulture), Stopwatch.GetTimestamp()));
                if (returned.Count >= KillAfter)
                {
                    enough.TrySetResult();
                }
            }
        });

        await enough.Task.WaitAsync(TimeSpan.FromSeconds(60));
        long killedAt = Stopwatch.GetTimestamp();
        app.Signal("KILL");
        Assert.Equal(137, await app.WaitForExitAsync());
        Assert.DoesNotContain("ready", app.Output, StringComparison.Ordinal);

        return returned.Where(r => Stopwatch.GetElapsedTime(r.At, killedAt) >= s_bufferWriteInterval).Select(r => r.Number).ToArray() is { Length: > 0 } survivors
            ? survivors
            : throw new InvalidOperationException("No event was logged long enough before the kill.");
    }

    private async Task<(IReadOnlyList<int> Delivered, Report Report)> DrainAsync(string group, string directory)
    {
        using var drain = TestAppProcess.Start("buffer-drain", moto.Endpoint, group, 0, Buffer(directory));
        Assert.Equal(0, await drain.WaitForExitAsync());
        string line = drain.Output.Split('\n').SingleOrDefault(l => l.StartsWith("report ", StringComparison.Ordinal)) ?? throw new InvalidOperationException(drain.Output);
        Dictionary<string, long> counts = line[7..].Trim().Split(' ').Select(p => p.Split('=')).ToDictionary(p => p[0], p => long.Parse(p[1], CultureInfo.InvariantCulture));

        using CloudWatchLogsClient client = moto.CreateClient();
        var delivered = new List<int>();
        await foreach (OutputLogEvent e in client.EnumerateLogEventsAsync(new GetLogEventsRequest { LogGroupName = group, LogStreamName = "app", StartFromHead = true }))
        {
            delivered.Add(int.Parse(e.Message!.AsSpan(6), CultureInfo.InvariantCulture));
        }

        Assert.Equal(0, counts["dropped"]);
        Assert.True(counts["recovered"] > 0, line);
        return (delivered, new Report(counts["delivered"], counts["duplicated"], counts["dropped"]));
    }

    private static Dictionary<string, string?> Buffer(string directory) => new() { ["WT_BUFFER_DIR"] = directory };

    private sealed record Report(long Delivered, long PossiblyDuplicated, long Dropped);
}
