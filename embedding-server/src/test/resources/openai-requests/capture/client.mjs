import OpenAI from 'openai';
const c = new OpenAI({ apiKey: 'sk-lorastream-test-0123456789', baseURL: process.argv[2], maxRetries: 0 });
let r = await c.embeddings.create({ model: 'scifact', input: 'Vitamin D deficiency increases the risk of fractures.' });
console.log(r.data.length, r.data[0].embedding.length);
r = await c.embeddings.create({ model: 'base', input: ['Aspirin reduces platelet aggregation.', 'Statins lower LDL cholesterol.'], encoding_format: 'float', dimensions: 128 });
console.log(r.data.length, r.data[0].embedding.length);
r = await c.embeddings.create({ model: 'scifact', input: ['Mitochondria produce ATP.'], input_type: 'document', user: 'user-42' });
console.log(r.data.length, r.data[0].embedding.length);
