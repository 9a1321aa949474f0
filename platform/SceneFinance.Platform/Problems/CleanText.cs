using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace SceneFinance.Platform.Problems;

/// <summary>
/// What text the product takes in: no NUL and no other control characters (C0, DEL, C1), and no bidirectional overrides (a
/// name that reads backwards in the shell). PostgreSQL refuses NUL on save (a 500 before this), and the others are stored and
/// echoed to pages. Tab and newline are allowed in free text only (<see cref="FreeTextFields"/>: a reason, a note). The one
/// rule, applied where text comes in: bodies the API binds (<see cref="RefuseControlCharacters"/>, on the <c>/api/v1</c> group),
/// bodies read as bytes (<see cref="Guard"/> in <see cref="Http.JsonBody"/>), paths and query strings
/// (<see cref="Http.InputBounds"/>), and <see cref="Validation.Text"/> for what pages pass to slices.
/// </summary>
public static class CleanText
{
    /// <summary>JSON properties holding free text, where tab and newline make sense.</summary>
    public static readonly HashSet<string> FreeTextFields = new(StringComparer.OrdinalIgnoreCase)
    {
        "reason", "note", "text", "comment", "resolution", "description", "remark", "memo",
    };

    public static bool IsClean(ReadOnlySpan<char> text, bool freeText = false)
    {
        foreach (var c in text)
            if (IsRefused(c, freeText)) return false;
        return true;
    }

    public static bool IsRefused(char c, bool freeText) => c switch
    {
        '\t' or '\n' or '\r' => !freeText,
        < '\u0020' or '\u007f' => true,
        >= '\u0080' and <= '\u009f' => true,
        >= '\u202a' and <= '\u202e' => true, // embeddings and overrides (U+202E reads the rest backwards)
        >= '\u2066' and <= '\u2069' => true, // isolates
        _ => false,
    };

    public static string Message(string field, bool freeText) => freeText
        ? $"{field} must not contain control characters (tab and newline are allowed)."
        : $"{field} must not contain control characters, tabs or line breaks.";

    /// <summary>
    /// Checks every text in the request objects the routes of <paramref name="api"/> bind (before the handler runs), by field
    /// path (<c>items[0].name</c>). A filter rather than a JSON converter: the OpenAPI document describes text as text.
    /// </summary>
    public static TBuilder RefuseControlCharacters<TBuilder>(this TBuilder api) where TBuilder : IEndpointConventionBuilder =>
        api.AddEndpointFilter(async (context, next) =>
        {
            foreach (var argument in context.Arguments)
                if (argument is not null and not string && IsOurs(argument.GetType())) Check(argument, "", 0);
            return await next(context);
        });

    static readonly ConcurrentDictionary<Type, PropertyInfo[]> Readable = new();

    static bool IsOurs(Type type) => type.Namespace?.StartsWith("SceneFinance", StringComparison.Ordinal) == true;

    static void Check(object value, string path, int depth)
    {
        if (depth > 16) return;
        switch (value)
        {
            case string text:
                var free = FreeTextFields.Contains(path[(path.LastIndexOf('.') + 1)..]);
                if (!IsClean(text, free)) throw ProblemException.Invalid(path, Message(path, free));
                return;
            case IDictionary map:
                foreach (DictionaryEntry entry in map)
                {
                    var at = $"{path}.{entry.Key}";
                    if (entry.Key is string key && !IsClean(key)) throw ProblemException.Invalid(path, Message(path, false));
                    if (entry.Value is not null) Check(entry.Value, at, depth + 1);
                }
                return;
            case IEnumerable items:
                var i = 0;
                foreach (var item in items)
                {
                    if (item is not null) Check(item, $"{path}[{i}]", depth + 1);
                    i++;
                }
                return;
        }
        var type = value.GetType();
        if (!IsOurs(type)) return;
        foreach (var property in Readable.GetOrAdd(type, t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                     .Where(p => p.CanRead && p.GetIndexParameters().Length == 0).ToArray()))
        {
            if (property.PropertyType.IsValueType && property.PropertyType != typeof(KeyValuePair<string, string>)) continue;
            var name = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            if (property.GetValue(value) is { } v) Check(v, path.Length == 0 ? name : $"{path}.{name}", depth + 1);
        }
    }

    /// <summary>Adds the check to options that read requests: every string property and element, free text by property name.</summary>
    public static JsonSerializerOptions Guard(JsonSerializerOptions o)
    {
        if (o.Converters.OfType<StrictText>().Any()) return o;
        o.Converters.Add(StrictText.Instance);
        o.TypeInfoResolver = (o.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(info =>
        {
            if (info.Kind != JsonTypeInfoKind.Object) return;
            foreach (var property in info.Properties)
                if (property.PropertyType == typeof(string) && property.CustomConverter is null)
                    property.CustomConverter = FreeTextFields.Contains(property.Name) ? FreeText.Instance : StrictText.Instance;
        });
        return o;
    }

    sealed class StrictText : JsonConverter<string>
    {
        public static readonly StrictText Instance = new();
        public override bool HandleNull => false;
        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Checked(ref reader, false);
        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }

    sealed class FreeText : JsonConverter<string>
    {
        public static readonly FreeText Instance = new();
        public override bool HandleNull => false;
        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Checked(ref reader, true);
        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }

    static string? Checked(ref Utf8JsonReader reader, bool freeText)
    {
        var text = reader.GetString(); // a number where text belongs throws JsonException here, as the built-in converter would
        if (text is not null && !IsClean(text, freeText)) throw new ControlCharacterException(freeText);
        return text;
    }
}

/// <summary>A request body's text holds a refused character; <see cref="JsonException.Path"/> says where (set by the serializer).</summary>
public sealed class ControlCharacterException(bool freeText) : JsonException("The text contains a control character.")
{
    public bool FreeText { get; } = freeText;

    /// <summary><c>$.items[0].name</c> → <c>items[0].name</c>.</summary>
    public string Field => Path is { Length: > 2 } p && p.StartsWith("$.", StringComparison.Ordinal) ? p[2..] : "body";

    public ProblemException ToProblem() => ProblemException.Invalid(Field, CleanText.Message(Field, FreeText));
}
