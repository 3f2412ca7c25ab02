import sys, openai
base = sys.argv[1]
c = openai.OpenAI(api_key="sk-lorastream-test-0123456789", base_url=base, max_retries=0)
r = c.embeddings.create(model="scifact", input="Vitamin D deficiency increases the risk of fractures.")
print(len(r.data), len(r.data[0].embedding))
r = c.embeddings.create(model="base", input=["Aspirin reduces platelet aggregation.", "Statins lower LDL cholesterol."], encoding_format="float", dimensions=128)
print(len(r.data), len(r.data[0].embedding))
r = c.embeddings.create(model="scifact", input=["Mitochondria produce ATP."], extra_body={"input_type": "document"}, user="user-42")
print(len(r.data), len(r.data[0].embedding))
