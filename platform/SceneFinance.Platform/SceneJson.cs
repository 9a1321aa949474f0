using System.Text.Json;
using System.Text.Json.Serialization;

namespace SceneFinance.Platform;

/// <summary>The contract's JSON: camelCase, nulls left out, enums as strings. Used for HTTP and for stored replies alike.</summary>
public static class SceneJson
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions o)
    {
        o.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        o.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        o.NumberHandling = JsonNumberHandling.Strict;
        o.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        if (!o.Converters.OfType<JsonStringEnumConverter>().Any())
            o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
        if (!o.Converters.OfType<ExplicitOffsetTimes>().Any())
            o.Converters.Add(new ExplicitOffsetTimes());
        return o;
    }

    /// <summary>
    /// Times are ISO-8601 UTC (api-v1.md). A time without "Z" or an offset would silently be read in the
    /// server's own zone, so it is refused instead.
    /// </summary>
    sealed class ExplicitOffsetTimes : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.GetString();
            var explicitOffset = text is { Length: > 6 } && (text[^1] is 'Z' or 'z' || (text[^6] is '+' or '-' && text[^3] == ':'));
            if (!explicitOffset) throw new JsonException("A time must end in Z (UTC) or carry its offset, like 2026-09-01T08:00:00Z.");
            return reader.GetDateTimeOffset();
        }

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }
}
