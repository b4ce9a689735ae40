namespace Watchtower.Tests.Extensions.Logging;

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(Invoice))]
internal sealed partial class InvoiceJsonContext : System.Text.Json.Serialization.JsonSerializerContext
{
}
