using System.Text.Json;

namespace Watchtower.Tests.Support;

/// <summary>What every adapter's moto test checks the same way.</summary>
internal static class AdapterAssertions
{
    /// <summary>
    /// The failed payment every adapter test logs, <c>InvalidOperationException("card declined", TimeoutException)</c>,
    /// arrived with its type, message and inner exception.
    /// </summary>
    public static void CardDeclinedArrived(JsonElement shipped)
    {
        JsonElement exception = shipped.GetProperty("exception");
        Assert.Equal("System.InvalidOperationException", exception.GetProperty("type").GetString());
        Assert.Equal("card declined", exception.GetProperty("message").GetString());
        Assert.Equal("System.TimeoutException", exception.GetProperty("inner").GetProperty("type").GetString());
    }
}
