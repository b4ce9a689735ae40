using System.Diagnostics.Tracing;
using Microsoft.Extensions.Time.Testing;
using Watchtower.Diagnostics;
using Watchtower.Tests.Support;

namespace Watchtower.Tests.Diagnostics;

public sealed class WarningSinkTests
{
    [Fact]
    public void Warn_SameKindWithinAMinute_IsWrittenOnceThenWithASuppressedCount()
    {
        FakeTimeProvider clock = FakeClock.At2026();
        var lines = new List<string>();
        var sink = new WarningSink(lines.Add, clock);

        Assert.True(sink.Warn(WarningKind.QueueFull, "first"));
        Assert.False(sink.Warn(WarningKind.QueueFull, "second"));
        Assert.False(sink.Warn(WarningKind.QueueFull, "third"));
        Assert.True(sink.Warn(WarningKind.Outage, "another kind"));
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(sink.Warn(WarningKind.QueueFull, "fourth"));

        Assert.Equal(
            ["Watchtower: first", "Watchtower: another kind", "Watchtower: fourth (2 similar warnings were suppressed in the last minute)"],
            lines);
    }

    [Fact]
    public void Warn_ClosedStandardError_NeverThrows()
    {
        var sink = new WarningSink(_ => throw new ObjectDisposedException("stderr"), FakeClock.At2026());

        Assert.True(sink.Warn(WarningKind.QueueFull, "nowhere to go"));
    }

    [Fact]
    public void Warn_IsAlsoAnEvent_UnThrottled()
    {
        using var listener = new RecordingListener();
        var sink = new WarningSink(_ => { }, FakeClock.At2026());

        sink.Warn(WarningKind.Retrying, "one " + Guid.NewGuid());
        sink.Warn(WarningKind.Retrying, "two " + Guid.NewGuid());

        Assert.True(listener.Messages.Count(m => m.StartsWith("one ", StringComparison.Ordinal) || m.StartsWith("two ", StringComparison.Ordinal)) >= 2);
    }

    [Fact]
    public void EventSource_ManifestIsValid()
    {
        string? manifest = EventSource.GenerateManifest(typeof(WatchtowerEventSource), "Watchtower.dll", EventManifestOptions.Strict);

        Assert.NotNull(manifest);
        Assert.Contains("Warning", manifest, StringComparison.Ordinal);
    }

    private sealed class RecordingListener : EventListener
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Messages { get; } = new();

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "Watchtower")
            {
                EnableEvents(eventSource, EventLevel.Warning);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (eventData.EventSource.Name == "Watchtower" && eventData.Payload is { Count: 2 } payload)
            {
                Messages.Enqueue((string)payload[1]!);
            }
        }
    }
}
