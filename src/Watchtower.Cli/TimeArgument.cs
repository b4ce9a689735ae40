using System.Globalization;
using System.Text.RegularExpressions;

namespace Watchtower.Cli;

/// <summary>
/// Times on the command line: a duration back from now (<c>90s</c>, <c>10m</c>, <c>2h</c>, <c>3d</c>, <c>1w</c>, or
/// combined, <c>1h30m</c>), <c>now</c>, or an ISO 8601 time (UTC unless it says otherwise).
/// </summary>
internal static partial class TimeArgument
{
    public static DateTimeOffset Parse(string text, DateTimeOffset now, string option)
    {
        if (string.Equals(text.Trim(), "now", StringComparison.OrdinalIgnoreCase))
        {
            return now;
        }

        if (TryParseDuration(text, out TimeSpan back))
        {
            return now - back;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset time))
        {
            return time;
        }

        throw new CliException($"{option}: '{text}' is not a time. Give a duration back from now (90s, 10m, 2h, 3d) or an ISO time (2026-12-01T09:00:00Z).", ExitCodes.Usage);
    }

    public static TimeSpan ParseDuration(string text, string option) =>
        TryParseDuration(text, out TimeSpan duration)
            ? duration
            : throw new CliException($"{option}: '{text}' is not a duration. Give one like 90s, 10m, 2h or 1h30m.", ExitCodes.Usage);

    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        Match match = DurationPattern().Match(text.Trim());
        if (!match.Success)
        {
            return false;
        }

        foreach (Capture part in match.Groups["part"].Captures)
        {
            string value = part.Value;
            if (value.EndsWith("ms", StringComparison.OrdinalIgnoreCase))
            {
                duration += TimeSpan.FromMilliseconds(double.Parse(value[..^2], CultureInfo.InvariantCulture));
                continue;
            }

            double amount = double.Parse(value[..^1], CultureInfo.InvariantCulture);
            duration += char.ToLowerInvariant(value[^1]) switch
            {
                's' => TimeSpan.FromSeconds(amount),
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' => TimeSpan.FromDays(amount),
                _ => TimeSpan.FromDays(7 * amount),
            };
        }

        return true;
    }

    [GeneratedRegex(@"^(?<part>\d+(\.\d+)?(ms|[smhdw]))+$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();
}
