using System.Diagnostics;
using System.Globalization;

namespace Watchtower.TestApp;

/// <summary>
/// The test app's on-disk buffer modes, on the engine itself (every adapter shares it). "buffer-log" logs WT_EVENTS
/// numbered events to WT_BUFFER_DIR, saying "logged N" on stdout as each call returns, then "ready", and waits to be
/// killed. "buffer-drain" starts on the directory, waits until what an earlier process left is delivered or counted,
/// stops, and says "report ..." with its counts.
/// </summary>
internal static class BufferModes
{
    public static int Run(string mode, string endpoint, string group, int events)
    {
        string directory = Environment.GetEnvironmentVariable("WT_BUFFER_DIR") ?? throw new InvalidOperationException("WT_BUFFER_DIR is not set.");
        var options = new CloudWatchLogHandlerOptions
        {
            LogGroupName = group,
            LogStreamName = "app",
            ServiceUrl = endpoint,
            Region = "us-east-1",
            BufferDirectory = directory,
            SendInterval = TimeSpan.FromSeconds(1),
            ReportDropsInStream = false,
            ShutdownTimeout = TimeSpan.FromSeconds(30),
        };

        CloudWatchLogHandler handler;
        try
        {
            handler = new CloudWatchLogHandler(options);
        }
        catch (InvalidOperationException e)
        {
            Console.WriteLine("startup failed: " + e.Message);
            return 3;
        }

        return mode == "buffer-log" ? Log(handler, events) : Drain(handler);
    }

    private static int Log(CloudWatchLogHandler handler, int events)
    {
        var stdout = Console.Out;
        for (int i = 0; i < events; i++)
        {
            handler.Emit("event " + i.ToString(CultureInfo.InvariantCulture), DateTimeOffset.UtcNow);
            stdout.WriteLine("logged " + i.ToString(CultureInfo.InvariantCulture));
            if (i % 10 == 9)
            {
                Thread.Sleep(1);
            }
        }

        stdout.WriteLine("ready");
        Thread.Sleep(Timeout.Infinite);
        return 0;
    }

    private static int Drain(CloudWatchLogHandler handler)
    {
        var waited = Stopwatch.StartNew();
        DeliveryReport report = handler.GetReport();
        long settledAt = -1;
        while (waited.Elapsed < TimeSpan.FromSeconds(40))
        {
            Thread.Sleep(100);
            DeliveryReport now = handler.GetReport();
            bool finished = now.Recovered > 0 && now.Delivered + now.Dropped >= now.Recovered;
            settledAt = finished && now.Recovered == report.Recovered ? (settledAt < 0 ? waited.ElapsedMilliseconds : settledAt) : -1;
            report = now;
            if (settledAt >= 0 && waited.ElapsedMilliseconds - settledAt >= 500)
            {
                break;
            }
        }

        handler.Dispose();
        report = handler.GetReport();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"report recovered={report.Recovered} delivered={report.Delivered} duplicated={report.PossiblyDuplicated} dropped={report.Dropped}"));
        return 0;
    }
}
