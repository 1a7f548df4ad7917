"""What PyTorch keeps for backward in one LoRA training step of a transformers Llama: the activation bytes that
a memory table must predict. Counts every tensor saved for backward (saved_tensors_hooks), once per storage.

Usage: measure_activations.py --hidden H --inter I --layers L --heads A --kv KV --vocab V --batch B --seq T
                              [--attn sdpa|eager] [--checkpointing] [--rank R] [--dtype bfloat16|float32]
                              [--targets q_proj,k_proj,...]
Prints JSON: saved bytes in all, per decoder layer (layer 1's hooks, measured by difference), and the settings.
The base is frozen (as QLoRA's is), LoRA adapters on every linear of the decoder (peft, fp32 adapters), no dropout;
--targets adapts only the modules it names; --recipe full trains every parameter instead.
"""
import argparse, json, torch
from transformers import LlamaConfig, LlamaForCausalLM
from peft import LoraConfig, get_peft_model

ap = argparse.ArgumentParser()
for k, d in (("hidden", 256), ("inter", 688), ("layers", 2), ("heads", 4), ("kv", 4), ("vocab", 1000), ("batch", 2), ("seq", 128), ("rank", 8)):
    ap.add_argument(f"--{k}", type=int, default=d)
ap.add_argument("--attn", default="sdpa"); ap.add_argument("--checkpointing", action="store_true")
ap.add_argument("--dtype", default="bfloat16")
ap.add_argument("--targets", default="q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj")
ap.add_argument("--recipe", default="lora", help="lora: a bf16 base; qlora: the base loaded in 4 bits (bnb NF4, double quant, "
                "bf16 compute) and prepared with peft's prepare_model_for_kbit_training, as the QLoRA recipe does; "
                "full: no adapters, every parameter trains (full fine-tuning in --dtype)")
a = ap.parse_args()
dt = getattr(torch, a.dtype)
def measure(layers):
    torch.manual_seed(0)
    cfg = LlamaConfig(vocab_size=a.vocab, hidden_size=a.hidden, intermediate_size=a.inter, num_hidden_layers=layers,
                      num_attention_heads=a.heads, num_key_value_heads=a.kv, max_position_embeddings=max(512, a.seq),
                      tie_word_embeddings=False, attn_implementation=a.attn)
    m = LlamaForCausalLM(cfg).to(dt)
    if a.recipe == "qlora":
        import tempfile
        from transformers import BitsAndBytesConfig
        from peft import prepare_model_for_kbit_training
        with tempfile.TemporaryDirectory() as d:
            m.save_pretrained(d)
            m = LlamaForCausalLM.from_pretrained(d, device_map="cpu", attn_implementation=a.attn,
                quantization_config=BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4",
                    bnb_4bit_use_double_quant=True, bnb_4bit_compute_dtype=torch.bfloat16))
        m = prepare_model_for_kbit_training(m, use_gradient_checkpointing=a.checkpointing)
    elif a.checkpointing:
        m.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False}); m.enable_input_require_grads()
    pm = m if a.recipe == "full" else get_peft_model(m, LoraConfig(r=a.rank, lora_alpha=16, lora_dropout=0.0, task_type="CAUSAL_LM",
                        target_modules=a.targets.split(",")))
    pm.train()
    ids = torch.randint(0, a.vocab, (a.batch, a.seq))
    seen, total = set(), [0]
    def pack(t):
        key = (t.untyped_storage().data_ptr(), t.untyped_storage().nbytes())
        if key not in seen and not isinstance(t, torch.nn.Parameter) and not t.requires_grad or (t.grad_fn is not None and key not in seen):
            pass
        if key not in seen:
            seen.add(key)
            if not (t.requires_grad and t.is_leaf):  # parameters are weights, not activations
                total[0] += t.untyped_storage().nbytes()
        return t
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        out = pm(input_ids=ids, labels=ids)
    out.loss.backward()
    return total[0]
one, two = measure(1), measure(2)
res = {"settings": vars(a), "saved_bytes_1_layer_model": one, "saved_bytes_2_layer_model": two,
       "per_layer_bytes": two - one, "outside_layers_bytes": one - (two - one)}
sbh = a.seq * a.batch * a.hidden
res["per_layer_over_sbh"] = round((two - one) / sbh, 3)
print(json.dumps(res))
