namespace Watchtower.Buffering;

/// <summary>What a segment's header says (see <see cref="SegmentFormat"/>).</summary>
/// <param name="Number">The segment's number: segments are read in this order.</param>
/// <param name="CreatedMs">When it was created, Unix milliseconds.</param>
/// <param name="LogGroupName">The log group its events are meant for.</param>
/// <param name="Length">The header's length: records start here.</param>
internal readonly record struct SegmentHeader(long Number, long CreatedMs, string LogGroupName, int Length);
