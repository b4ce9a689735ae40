using Watchtower.Diagnostics;

namespace Watchtower.Shipping;

/// <summary>What <see cref="DeliveryPolicy"/> decided for a batch after an attempt.</summary>
/// <param name="Kind">What to do.</param>
/// <param name="Delay">For <see cref="DecisionKind.Retry"/>: how long to wait first.</param>
/// <param name="Reason">For <see cref="DecisionKind.Drop"/>: what the events are counted as.</param>
/// <param name="MayHaveBeenDelivered">For <see cref="DecisionKind.Retry"/>: whether the attempt may have been stored although it failed, so that the next one may duplicate it.</param>
internal readonly record struct Decision(DecisionKind Kind, TimeSpan Delay = default, DropReason Reason = default, bool MayHaveBeenDelivered = false)
{
    public static Decision Drop(DropReason reason) => new(DecisionKind.Drop, Reason: reason);
}
