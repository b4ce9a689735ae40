using System.Text.Json.Serialization;

namespace Watchtower.Extensions.Logging;

/// <summary>Source-generated (trim- and AOT-safe) JSON for strings written as values of their own.</summary>
[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(string))]
internal sealed partial class JsonStringContext : JsonSerializerContext
{
}
