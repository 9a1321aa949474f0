using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using SceneFinance.Platform.Problems;

namespace SceneFinance.Platform.Http;

/// <summary>A route's body limit in bytes (<see cref="InputBounds.BodyLimit{TBuilder}"/>).</summary>
public sealed record BodyLimitMetadata(long Bytes);

/// <summary>
/// Bounds on what a request may bring, checked before a byte of the body is read: each route's body limit (its own
/// <see cref="BodyLimit{TBuilder}"/>; 64 KB for routes whose caller signs, <see cref="ApiDocs.Caller{TBuilder}"/>; else
/// <see cref="DefaultBodyBytes"/>), refused (400 validation_failed) from the declared length before reading, or cut off while
/// reading a body without one; and no
/// control characters in the path or the query string (<see cref="CleanText"/>).
/// </summary>
public static class InputBounds
{
    public const long DefaultBodyBytes = 1024 * 1024;
    public const long SignedBodyBytes = 64 * 1024;

    public static TBuilder BodyLimit<TBuilder>(this TBuilder route, long bytes) where TBuilder : IEndpointConventionBuilder =>
        route.WithMetadata(new BodyLimitMetadata(bytes));

    /// <summary>The limit a request's route allows.</summary>
    public static long LimitFor(Endpoint? endpoint) =>
        endpoint?.Metadata.GetMetadata<BodyLimitMetadata>()?.Bytes
        ?? (endpoint?.Metadata.GetMetadata<CallerMetadata>()?.Kind is CallerKind.Terminal or CallerKind.SystemClient or CallerKind.Channel
            ? SignedBodyBytes
            : DefaultBodyBytes);

    public static IApplicationBuilder UseInputBounds(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var limit = LimitFor(http.GetEndpoint());
        if (http.Request.ContentLength > limit) throw TooLarge(limit);
        // Kestrel enforces the limit on the wire; the wrapper does it where no server feature does (and for chunked bodies).
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature) feature.MaxRequestBodySize = limit;
        http.Request.Body = new LimitedStream(http.Request.Body, limit);

        if (!CleanText.IsClean(http.Request.Path.Value)) throw ProblemException.Invalid("path", CleanText.Message("path", freeText: false));
        foreach (var (name, values) in http.Request.Query)
        {
            if (!CleanText.IsClean(name)) throw ProblemException.Invalid("query", CleanText.Message("query", freeText: false));
            foreach (var value in values)
                if (value is not null && !CleanText.IsClean(value)) throw ProblemException.Invalid(name, CleanText.Message(name, freeText: false));
        }
        await next(http);
    });

    /// <summary>A 400 like every other validation failure (api-v1.md), as oversized signed bodies always were.</summary>
    public static ProblemException TooLarge(long limit) =>
        new(400, ErrorCodes.ValidationFailed, $"The body must be at most {Describe(limit)}.",
            new Dictionary<string, string[]> { ["body"] = [$"The body must be at most {Describe(limit)}."] });

    static string Describe(long bytes) => bytes >= 1024 * 1024 ? $"{bytes / (1024 * 1024)} MB" : $"{bytes / 1024} KB";

    /// <summary>Reads through to the request body and stops with 413 past the limit.</summary>
    sealed class LimitedStream(Stream inner, long limit) : Stream
    {
        long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => Count(await inner.ReadAsync(buffer, ct));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

        int Count(int read)
        {
            _read += read;
            if (_read > limit) throw new BadHttpRequestException($"The body must be at most {Describe(limit)}.", StatusCodes.Status413PayloadTooLarge);
            return read;
        }
    }
}
