using System.Text;

namespace Watchtower.Tests.Support;

/// <summary>A request the handler saw, with its body read out (the request itself is disposed by the client).</summary>
internal sealed record RecordedRequest(HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string BodyText => Encoding.UTF8.GetString(Body);

    public string Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out string? value) ? value : throw new KeyNotFoundException(name);
}
