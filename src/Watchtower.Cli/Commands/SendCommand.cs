using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Watchtower.Cli.Output;

namespace Watchtower.Cli.Commands;

/// <summary>
/// <c>watchtower send GROUP [--stream S]</c>: ships each line of stdin as an event through the engine (batching,
/// retries, the delivery deadline), so that <c>myapp | watchtower send mygroup</c> is a small agent. Exits non-zero,
/// with the counts by reason, if any line was not delivered.
/// </summary>
internal static class SendCommand
{
    public static Command Create(ConnectionOptions connection, CliConsole console)
    {
        var group = new Argument<string>("group") { Description = "The log group (created if missing)." };
        var stream = new Option<string>("--stream", "-s") { Description = "The stream: a name or an engine template ({machine_name}, {strftime:%Y-%m-%d} …).", DefaultValueFactory = _ => "{machine_name}/stdin" };
        var sendInterval = new Option<string>("--send-interval") { Description = "The delivery deadline: the longest a line waits before it is sent.", DefaultValueFactory = _ => "5s" };
        var retention = new Option<int?>("--retention-days") { Description = "Set this retention on the group (one of CloudWatch's values: 1, 3, 5, 7, 14, 30 …)." };
        var shutdownTimeout = new Option<string>("--shutdown-timeout") { Description = "At the end of input, how long to keep trying to deliver what is left.", DefaultValueFactory = _ => "30s" };
        var command = new Command("send", "Ship stdin to a log group, one event per line, through Watchtower's engine.") { group, stream, sendInterval, retention, shutdownTimeout };
        command.SetAction((parsed, cancellationToken) => CliApplication.GuardedAsync(console, parsed.GetValue(group), async () =>
        {
            using CloudWatchLogsClient client = connection.CreateClient(parsed, console);
            CloudWatchLogHandler handler;
            try
            {
                handler = new CloudWatchLogHandler(new CloudWatchLogHandlerOptions
                {
                    Client = client,
                    LogGroupName = parsed.GetValue(group)!,
                    LogStreamName = parsed.GetValue(stream)!,
                    SendInterval = TimeArgument.ParseDuration(parsed.GetValue(sendInterval)!, "--send-interval"),
                    ShutdownTimeout = TimeArgument.ParseDuration(parsed.GetValue(shutdownTimeout)!, "--shutdown-timeout"),
                    LogGroupRetentionDays = parsed.GetValue(retention),
                    QueueFullMode = QueueFullMode.Wait, // a pipe waits rather than drops: the writer slows down with it
                });
            }
            catch (ArgumentException e)
            {
                throw new CliException(e.Message, ExitCodes.Usage);
            }

            var progress = new SendProgress(console);
            await using (handler.ConfigureAwait(false))
            {
                using ITimer? ticker = console.ErrorIsTerminal ? console.Time.CreateTimer(_ => progress.Show(), null, TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(500)) : null;
                try
                {
                    while (await console.In.ReadLineAsync(cancellationToken).AsTask().WaitAsync(cancellationToken).ConfigureAwait(false) is { } line)
                    {
                        if (line.Length == 0)
                        {
                            progress.Blank();
                            continue; // CloudWatch stores no empty event; a blank line is not a loss
                        }

                        handler.Emit(line, console.Time.GetUtcNow(), "stdin");
                        progress.Line(line);
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    // Ctrl-C: stop reading; what was read is still delivered below.
                }
            }

            progress.Clear();
            return Report(console, handler.GetReport(), progress, parsed.GetValue(group)!);
        }));
        return command;
    }

    private static int Report(CliConsole console, DeliveryReport report, SendProgress progress, string group)
    {
        if (report.Dropped > 0)
        {
            string reasons = string.Join(", ", report.DroppedByReason.Select(r => $"{r.Key} {r.Value}"));
            console.Error.WriteLine($"watchtower: {report.Dropped} of {progress.Lines} lines were not delivered to '{group}': {reasons}.");
            return ExitCodes.Dropped;
        }

        if (console.ErrorIsTerminal)
        {
            console.Error.WriteLine($"Sent {progress.Lines} lines ({Formats.Bytes(progress.Bytes)}) to '{group}'{(progress.Blanks > 0 ? $"; {progress.Blanks} blank lines skipped" : string.Empty)}.");
        }

        return ExitCodes.Ok;
    }

    /// <summary>The progress line on stderr (a terminal only): lines, bytes, rate.</summary>
    private sealed class SendProgress(CliConsole console)
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private long _lines;
        private long _bytes;
        private bool _shown;

        public long Lines => Interlocked.Read(ref _lines);

        public long Bytes => Interlocked.Read(ref _bytes);

        public long Blanks { get; private set; }

        public void Line(string line)
        {
            Interlocked.Increment(ref _lines);
            Interlocked.Add(ref _bytes, System.Text.Encoding.UTF8.GetByteCount(line));
        }

        public void Blank() => Blanks++;

        public void Show()
        {
            double rate = Lines / Math.Max(_clock.Elapsed.TotalSeconds, 0.001);
            lock (this)
            {
                console.Error.Write(string.Create(CultureInfo.InvariantCulture, $"\r{Lines} lines, {Formats.Bytes(Bytes)}, {rate:0} lines/s   "));
                _shown = true;
            }
        }

        public void Clear()
        {
            lock (this)
            {
                if (_shown)
                {
                    console.Error.Write("\r" + new string(' ', 60) + "\r");
                }
            }
        }
    }
}
