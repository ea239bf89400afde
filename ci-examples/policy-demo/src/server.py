"""The chat API: the only place that talks to OpenAI, with the key from the environment."""
import os

from openai import OpenAI

client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])
MODEL = os.environ.get("CHAT_MODEL", "gpt-4o-mini")


def answer(question: str) -> str:
    reply = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": question}])
    return reply.choices[0].message.content
