using System.Text.Json.Serialization;

namespace Watchtower.Extensions.Logging;

/// <summary>Source-generated (trim- and AOT-safe) JSON for the formatter's last-resort event.</summary>
[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class FailureJsonContext : JsonSerializerContext
{
}
