using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Lumenfall.Sdk.Tests.TestSupport;

/// <summary>A request as it left the SDK: method, URL, headers and body, with multipart parts parsed.</summary>
internal sealed class CapturedRequest
{
    public required HttpMethod Method { get; init; }

    public required Uri Uri { get; init; }

    public required Dictionary<string, string> Headers { get; init; }

    public string? ContentType { get; init; }

    public byte[] Body { get; init; } = [];

    public List<FormPart> Parts { get; init; } = [];

    public string? Authorization => Headers.GetValueOrDefault("Authorization");

    public JsonObject Json => JsonNode.Parse(Body)!.AsObject();

    public string Field(string name) => Encoding.UTF8.GetString(Parts.Single(p => p.Name == name && p.FileName is null).Content);

    public static async Task<CapturedRequest> FromAsync(HttpRequestMessage request)
    {
        var headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        byte[] body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync();
        string? contentType = request.Content?.Headers.ContentType?.ToString();
        var parts = new List<FormPart>();
        if (contentType?.StartsWith("multipart/form-data", StringComparison.Ordinal) == true)
        {
            string boundary = HeaderUtilities.RemoveQuotes(MediaTypeHeaderValue.Parse(contentType).Boundary).Value!;
            var reader = new MultipartReader(boundary, new MemoryStream(body));
            while (await reader.ReadNextSectionAsync() is { } section)
            {
                var disposition = ContentDispositionHeaderValue.Parse(section.ContentDisposition);
                using var buffer = new MemoryStream();
                await section.Body.CopyToAsync(buffer);
                parts.Add(new FormPart(
                    HeaderUtilities.RemoveQuotes(disposition.Name).Value!,
                    disposition.FileName.HasValue ? HeaderUtilities.RemoveQuotes(disposition.FileName).Value : null,
                    section.ContentType,
                    buffer.ToArray()));
            }
        }

        return new CapturedRequest { Method = request.Method, Uri = request.RequestUri!, Headers = headers, ContentType = contentType, Body = body, Parts = parts };
    }
}

/// <summary>One multipart part.</summary>
internal sealed record FormPart(string Name, string? FileName, string? ContentType, byte[] Content);
