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

    [Fact]
    public void EveryKind_IsItsOwnEvent_WithTheKindsValueAsId_AndAFixedName()
    {
        using var listener = new RecordingListener();
        var sink = new WarningSink(_ => { }, FakeClock.At2026());
        WarningKind[] kinds = Enum.GetValues<WarningKind>();

        string tag = Guid.NewGuid().ToString("N");
        foreach (WarningKind kind in kinds)
        {
            sink.Warn(kind, $"{tag} {kind}");
        }

        EventWrittenEventArgs[] events = listener.Events.Where(e => e.Payload![1] is string m && m.StartsWith(tag, StringComparison.Ordinal)).ToArray();
        Assert.Equal(kinds.Length, events.Length);
        foreach ((WarningKind kind, EventWrittenEventArgs written) in kinds.Zip(events))
        {
            Assert.Equal((int)kind, written.EventId);
            Assert.Equal(kind.ToString(), written.EventName);
            Assert.Equal(kind.Name(), written.Payload![0]);
            Assert.Matches("^[a-z]+(-[a-z]+)*$", kind.Name());
        }

        Assert.Equal(kinds.Length, kinds.Select(k => k.Name()).Distinct().Count());
    }

    [Fact]
    public void EveryKind_IsWrittenByTheCatalogue()
    {
        // One catalogue of warnings: a kind that ShippingLog never writes is dead, and one written elsewhere is a second catalogue.
        string catalogue = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "src", "Watchtower", "Diagnostics", "ShippingLog.cs"));
        string[] unused = Enum.GetNames<WarningKind>().Where(k => !catalogue.Contains("WarningKind." + k + ",", StringComparison.Ordinal)).ToArray();
        Assert.Empty(unused);

        string[] elsewhere = Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Path, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => Path.GetFileName(f) is not ("ShippingLog.cs" or "WarningKind.cs" or "WarningKindNames.cs" or "WatchtowerEventSource.cs" or "WarningSink.cs"))
            .Where(f => File.ReadAllText(f).Contains("WarningKind.", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(RepositoryRoot.Path, f))
            .ToArray();
        Assert.Empty(elsewhere);
    }

    private sealed class RecordingListener : EventListener
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Messages { get; } = new();

        public System.Collections.Concurrent.ConcurrentQueue<EventWrittenEventArgs> Events { get; } = new();

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
                Events.Enqueue(eventData);
            }
        }
    }
}
