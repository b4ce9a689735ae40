using System.Text;
using Watchtower.Diagnostics;

namespace Watchtower.Shipping;

/// <summary>
/// The line "Watchtower: N events dropped: queue full N." that goes into a stream after drops, so that whoever reads
/// the stream sees the gap where it is: at most one per interval (a long overflow yields a few lines, not thousands),
/// and one more at shutdown for whatever is left unreported. Drops of the shutdown itself are told on stderr.
/// </summary>
internal sealed class InBandDropReport
{
    private static readonly TimeSpan s_interval = TimeSpan.FromSeconds(10);

    private readonly bool _enabled;
    private readonly HandlerMetrics _metrics;
    private readonly TimeProvider _clock;
    private readonly long[] _reported = new long[Enum.GetValues<DropReason>().Length];
    private long? _last;

    public InBandDropReport(bool enabled, HandlerMetrics metrics, TimeProvider clock)
    {
        _enabled = enabled;
        _metrics = metrics;
        _clock = clock;
    }

    /// <summary>The report of the drops not reported yet, as UTF-8, when one is due (or <paramref name="force"/>d); null otherwise.</summary>
    public byte[]? Take(long now, bool force = false)
    {
        if (!_enabled || (!force && _last is { } last && _clock.GetElapsedTime(last, now) < s_interval))
        {
            return null;
        }

        var parts = new List<string>();
        long total = 0;
        foreach (DropReason reason in Enum.GetValues<DropReason>())
        {
            if (reason is DropReason.AfterShutdown or DropReason.ShutdownTimeout)
            {
                continue;
            }

            long dropped = _metrics.Dropped(reason);
            long unreported = dropped - _reported[(int)reason];
            if (unreported > 0)
            {
                _reported[(int)reason] = dropped;
                total += unreported;
                parts.Add($"{reason.TagValue().Replace('_', ' ')} {unreported}");
            }
        }

        if (total == 0)
        {
            return null;
        }

        _last = now;
        return Encoding.UTF8.GetBytes($"Watchtower: {total} {(total == 1 ? "event" : "events")} dropped: {string.Join(", ", parts)}.");
    }
}
