"""The Pulumi program: what every covered account gets registered (`program`, `account`,
`organization`), the manifest it exports (`export`), and the mock engine `synth` runs it under."""
