using Microsoft.Extensions.Time.Testing;

namespace Watchtower.Tests.Support;

internal static class FakeClock
{
    /// <summary>
    /// Moves fake time forward in small steps until <paramref name="condition"/> holds, yielding between
    /// steps so that code awaiting the clock can register and run. No real time is waited on.
    /// </summary>
    public static async Task AdvanceUntilAsync(this FakeTimeProvider clock, Func<bool> condition, TimeSpan step, TimeSpan limit)
    {
        TimeSpan advanced = TimeSpan.Zero;
        while (!condition())
        {
            if (advanced >= limit)
            {
                throw new TimeoutException($"The condition did not hold after {limit} of fake time.");
            }

            clock.Advance(step);
            advanced += step;
            await Task.Yield();
            await Task.Delay(1);
        }
    }

    /// <summary>A fake clock at a realistic date, so that signed dates look like real ones.</summary>
    public static FakeTimeProvider At2026() => new(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));
}
