using System.CommandLine;
using System.Text.RegularExpressions;
using Watchtower.Cli.Tail;

namespace Watchtower.Cli.Commands;

/// <summary>
/// <c>watchtower tail GROUP… [--stream S | --stream-prefix P] [--since T] [--until T] [--follow] [--lag D]
/// [--filter PATTERN] [--grep RE] [--grepv RE] [--format text|short|json|raw] [--exit-when-idle D]</c>.
/// </summary>
internal static class TailCommand
{
    public static Command Create(ConnectionOptions connection, CliConsole console)
    {
        var groups = new Argument<string[]>("group") { Description = "One or more log groups; their events are merged in time order.", Arity = ArgumentArity.OneOrMore };
        var stream = new Option<string[]>("--stream", "-s") { Description = "Only this stream (repeat for several).", AllowMultipleArgumentsPerToken = false };
        var streamPrefix = new Option<string?>("--stream-prefix") { Description = "Only streams whose name starts with this." };
        var since = new Option<string>("--since") { Description = "From when: a duration back (90s, 10m, 2h, 3d) or an ISO time.", DefaultValueFactory = _ => "10m" };
        var until = new Option<string?>("--until") { Description = "Until when (same forms as --since); default now, or no end with --follow." };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new events until Ctrl-C." };
        var lag = new Option<string>("--lag") { Description = "With --follow: how late an event may arrive (behind the newest) and still be shown once.", DefaultValueFactory = _ => "2m" };
        var interval = new Option<string>("--interval") { Description = "With --follow: time between polls.", DefaultValueFactory = _ => "2s" };
        var filter = new Option<string?>("--filter") { Description = "A CloudWatch filter pattern, applied by the service (\"ERROR\", \"{ $.level = \\\"Error\\\" }\")." };
        var grep = new Option<string?>("--grep") { Description = "Only messages that match this regular expression." };
        var grepv = new Option<string?>("--grepv") { Description = "Leave out messages that match this regular expression." };
        var format = new Option<TailFormat>("--format") { Description = "text (time, stream, message), short (time of day, message), json or raw.", DefaultValueFactory = _ => TailFormat.Text };
        var exitWhenIdle = new Option<string?>("--exit-when-idle") { Description = "With --follow: stop after this long without a new event." };
        var command = new Command("tail", "Print a group's events in time order; with --follow, keep printing new ones, each once, late ones too.")
        {
            groups, stream, streamPrefix, since, until, follow, lag, interval, filter, grep, grepv, format, exitWhenIdle,
        };
        command.SetAction((parsed, cancellationToken) =>
        {
            string[] names = parsed.GetValue(groups) ?? [];
            return CliApplication.GuardedAsync(console, names.Length == 1 ? names[0] : null, async () =>
            {
                string[] streams = parsed.GetValue(stream) ?? [];
                if (streams.Length > 0 && parsed.GetValue(streamPrefix) is not null)
                {
                    throw new CliException("Give --stream or --stream-prefix, not both (CloudWatch takes one or the other).", ExitCodes.Usage);
                }

                DateTimeOffset now = console.Time.GetUtcNow();
                bool following = parsed.GetValue(follow);
                var settings = new TailSettings
                {
                    Since = TimeArgument.Parse(parsed.GetValue(since)!, now, "--since"),
                    Until = parsed.GetValue(until) is { } u ? TimeArgument.Parse(u, now, "--until") : following ? null : now,
                    Follow = following,
                    Lag = TimeArgument.ParseDuration(parsed.GetValue(lag)!, "--lag"),
                    Interval = Positive(TimeArgument.ParseDuration(parsed.GetValue(interval)!, "--interval"), "--interval"),
                    ExitWhenIdle = parsed.GetValue(exitWhenIdle) is { } idle ? TimeArgument.ParseDuration(idle, "--exit-when-idle") : null,
                };
                var printer = new EventPrinter(console.Out, parsed.GetValue(format), names.Length > 1, console.UseColor, Pattern(parsed.GetValue(grep), "--grep"), Pattern(parsed.GetValue(grepv), "--grepv"));
                using CloudWatchLogsClient client = connection.CreateClient(parsed, console);
                var source = new FilterLogEventsSource(client, names, streams, parsed.GetValue(streamPrefix), parsed.GetValue(filter));
                var tailer = new Tailer(source, settings, console.Time, printer.Print, warning => console.Error.WriteLine("watchtower: " + warning));
                await tailer.RunAsync(cancellationToken).ConfigureAwait(false);
                await console.Out.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                return ExitCodes.Ok;
            });
        });
        return command;
    }

    private static TimeSpan Positive(TimeSpan value, string option) =>
        value > TimeSpan.Zero ? value : throw new CliException($"{option} must be more than zero.", ExitCodes.Usage);

    private static Regex? Pattern(string? pattern, string option)
    {
        if (pattern is null)
        {
            return null;
        }

        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException e)
        {
            throw new CliException($"{option}: '{pattern}' is not a regular expression ({e.Message}).", ExitCodes.Usage);
        }
    }
}
