using System.Text.Json;
using Lumenfall.Sdk.Serialization;

namespace Lumenfall.Sdk.Transports.OmniRouters;

/// <summary>
/// OmniRouters' image reply: a sync result (<c>created</c>, <c>data[]</c>, <c>usage</c>), an async submit
/// (<c>task_id</c>, <c>status</c>) or a task lookup (<c>task_id</c>, <c>status</c>, <c>data[]</c> when completed,
/// <c>error</c> when failed). Every field is optional; read by hand (<see cref="Read"/>), as it is read on every call.
/// </summary>
internal sealed class OmniRoutersImagesResponse
{
    /// <summary>The images <see cref="Http.StreamingImagesReader"/> decoded while reading (items refer to them by <c>b64_json_ref</c>).</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>>? Decoded { get; set; }

    public string? Id { get; set; }

    public string? TaskId { get; set; }

    public string? Status { get; set; }

    public long? Created { get; set; }

    public List<WireImageData?>? Data { get; set; }

    public WireUsage? Usage { get; set; }

    public JsonElement? Error { get; set; }

    public string? Message { get; set; }

    /// <summary>Reads the reply at the reader (the rules of <see cref="WireJson"/>); null for a JSON null.</summary>
    public static OmniRoutersImagesResponse? Read(ref Utf8JsonReader reader)
    {
        if (!WireJson.StartObject(ref reader))
        {
            return null;
        }

        var body = new OmniRoutersImagesResponse();
        while (WireJson.NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("id"u8))
            {
                body.Id = WireJson.String(ref reader);
            }
            else if (reader.ValueTextEquals("task_id"u8))
            {
                body.TaskId = WireJson.String(ref reader);
            }
            else if (reader.ValueTextEquals("status"u8))
            {
                body.Status = WireJson.String(ref reader);
            }
            else if (reader.ValueTextEquals("created"u8))
            {
                body.Created = WireJson.Int64(ref reader, quoted: true);
            }
            else if (reader.ValueTextEquals("data"u8))
            {
                body.Data = WireJson.List(ref reader, WireImageData.Read);
            }
            else if (reader.ValueTextEquals("usage"u8))
            {
                body.Usage = WireJson.Object(ref reader, WireUsage.Read);
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                body.Error = WireJson.Element(ref reader);
            }
            else if (reader.ValueTextEquals("message"u8))
            {
                body.Message = WireJson.String(ref reader);
            }
            else
            {
                WireJson.Skip(ref reader);
            }
        }

        return body;
    }
}
