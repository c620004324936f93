using NJsonSchema.Validation;

namespace Lumenfall.Sdk.Tests.Contracts;

/// <summary>
/// Controls for the contract tests: each schema copy loads, its <c>$ref</c>s resolve, and it rejects what it should,
/// so a passing contract test means the document was checked, not that the schema was empty.
/// </summary>
public class PublishedSchemaSanityTests
{
    public static TheoryData<string, string, string, ValidationErrorKind> Rejections => new()
    {
        { "OpenAI CreateImageRequest", """{"n":1}""", "#/prompt", ValidationErrorKind.PropertyRequired },
        { "OpenAI CreateImageRequest", """{"prompt":"x","n":11}""", "#/n", ValidationErrorKind.NumberTooBig },
        { "OpenAI CreateImageRequest", """{"prompt":"x","quality":"ultra"}""", "#/quality", ValidationErrorKind.NotInEnumeration },
        { "OpenAI CreateImageRequest", """{"prompt":"x","partial_images":4}""", "#/partial_images", ValidationErrorKind.NotAnyOf },
        { "OpenAI CreateImageEditRequest", """{"prompt":"x"}""", "#/image", ValidationErrorKind.PropertyRequired },
        { "OpenAI CreateImageEditRequest", $$"""{"prompt":"x","image":[{{string.Join(",", Enumerable.Repeat("\"a.png\"", 17))}}]}""", "#/image", ValidationErrorKind.NotAnyOf },
        { "OpenAI CreateImageEditRequest", """{"prompt":"x","image":"a.png","input_fidelity":"max"}""", "#/input_fidelity", ValidationErrorKind.NotAnyOf },
        { "OpenAI ImagesResponse", """{"data":[]}""", "#/created", ValidationErrorKind.PropertyRequired },
        { "OpenAI ImagesResponse", """{"created":1,"data":[{"url":"no uri"}]}""", "#/data[0]", ValidationErrorKind.ArrayItemNotValid },
        { "OpenAI ImagesResponse", """{"created":1,"usage":{"total_tokens":9,"input_tokens":4,"output_tokens":5}}""", "#/usage.input_tokens_details", ValidationErrorKind.PropertyRequired },
        { "fal OmnigenV1Input", """{"prompt":"x","num_images":5}""", "#/num_images", ValidationErrorKind.NumberTooBig },
        { "fal OmnigenV1Input", """{"prompt":"x","num_inference_steps":0}""", "#/num_inference_steps", ValidationErrorKind.NumberTooSmall },
        { "fal OmnigenV1Input", """{"prompt":"x","guidance_scale":20.5}""", "#/guidance_scale", ValidationErrorKind.NumberTooBig },
        { "fal OmnigenV1Input", """{"prompt":"x","output_format":"webp"}""", "#/output_format", ValidationErrorKind.NotInEnumeration },
        { "fal OmnigenV1Input", """{"prompt":"x","image_size":{"width":0,"height":512}}""", "#/image_size", ValidationErrorKind.NotAnyOf },
        { "fal OmnigenV1Input", """{"prompt":"x","image_size":{"width":14143,"height":512}}""", "#/image_size", ValidationErrorKind.NotAnyOf },
        { "fal OmnigenV1Output", """{"images":[{"url":"u"}],"timings":{},"seed":1,"has_nsfw_concepts":[],"prompt":"x"}""", "#/images[0]", ValidationErrorKind.ArrayItemNotValid },
        { "fal QueueStatus", """{"status":"DONE","request_id":"r"}""", "#/status", ValidationErrorKind.NotInEnumeration },
        { "fal QueueStatus", """{"status":"IN_QUEUE"}""", "#/request_id", ValidationErrorKind.PropertyRequired },
        { "fal cancel response", """{"success":"yes"}""", "#/success", ValidationErrorKind.BooleanExpected },
        { "OmniRouters POST /v1/images/generations body", """{"prompt":"x"}""", "#/model", ValidationErrorKind.PropertyRequired },
        { "OmniRouters POST /v1/images/generations body", """{"model":"m","prompt":"x","image":"u"}""", "#/image", ValidationErrorKind.ArrayExpected },
    };

    [Theory]
    [MemberData(nameof(Rejections))]
    public async Task Each_published_schema_rejects_a_document_that_breaks_it(string schema, string json, string path, ValidationErrorKind kind)
    {
        SchemaContract contract = await Contract(schema);

        IReadOnlyList<SchemaViolation> violations = contract.Validate(ContractAssertions.ParseJson(json));

        violations.Should().ContainSingle().Which.Should().Match<SchemaViolation>(v => v.Path == path && v.Kind == kind,
            "{0} should reject {1}; NJsonSchema reported:{2}{3}", schema, json, Environment.NewLine, SchemaViolation.Describe(violations));
    }

    [Fact]
    public async Task Each_schema_accepts_its_smallest_valid_document()
    {
        (await PublishedSchemas.OpenAiCreateImageRequest).Validate(ContractAssertions.ParseJson("""{"prompt":"x"}""")).Should().BeEmpty();
        (await PublishedSchemas.OpenAiCreateImageEditRequest).Validate(ContractAssertions.ParseJson("""{"prompt":"x","image":"a.png"}""")).Should().BeEmpty();
        (await PublishedSchemas.OpenAiImagesResponse).Validate(ContractAssertions.ParseJson("""{"created":1}""")).Should().BeEmpty();
        (await PublishedSchemas.FalOmnigenV1Input).Validate(ContractAssertions.ParseJson("""{"prompt":"x","image_size":{"width":1,"height":14142}}""")).Should().BeEmpty();
        (await PublishedSchemas.FalOmnigenV1Output).Validate(ContractAssertions.ParseJson("""{"images":[],"timings":{},"seed":1,"has_nsfw_concepts":[],"prompt":"x"}""")).Should().BeEmpty();
        (await PublishedSchemas.FalQueueStatus).Validate(ContractAssertions.ParseJson("""{"status":"COMPLETED","request_id":"r"}""")).Should().BeEmpty();
        (await PublishedSchemas.FalCancelResponse).Validate(ContractAssertions.ParseJson("""{"success":true}""")).Should().BeEmpty();
        (await PublishedSchemas.OmniRoutersImagesGenerationsRequest).Validate(ContractAssertions.ParseJson("""{"model":"m","prompt":"x"}""")).Should().BeEmpty();
    }

    [Fact]
    public async Task A_failed_contract_lists_each_error_with_its_path_and_kind()
    {
        SchemaContract contract = await PublishedSchemas.FalOmnigenV1Input;

        Action check = () => ContractAssertions.ParseJson("""{"num_images":9,"output_format":"gif"}""").ShouldConformTo(contract, "a broken body");

        check.Should().Throw<Exception>()
            .WithMessage("*#/prompt PropertyRequired*")
            .WithMessage("*#/num_images NumberTooBig (found 9)*")
            .WithMessage("*#/output_format NotInEnumeration (found \"gif\")*");
    }

    private static Task<SchemaContract> Contract(string name) => name switch
    {
        "OpenAI CreateImageRequest" => PublishedSchemas.OpenAiCreateImageRequest,
        "OpenAI CreateImageEditRequest" => PublishedSchemas.OpenAiCreateImageEditRequest,
        "OpenAI ImagesResponse" => PublishedSchemas.OpenAiImagesResponse,
        "fal OmnigenV1Input" => PublishedSchemas.FalOmnigenV1Input,
        "fal OmnigenV1Output" => PublishedSchemas.FalOmnigenV1Output,
        "fal QueueStatus" => PublishedSchemas.FalQueueStatus,
        "fal cancel response" => PublishedSchemas.FalCancelResponse,
        _ => PublishedSchemas.OmniRoutersImagesGenerationsRequest,
    };
}
