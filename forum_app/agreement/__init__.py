"""Agreement: blind double coding of a random sample, its reliability figures and disagreements.

``sampling`` draws and codes samples, ``statistics`` computes kappa and alpha, ``reliability`` reports
them (and summarises them for packs), ``settling`` shows the disagreements and lets a lead settle them;
``views`` are the staff pages.
"""

from flask import Blueprint

bp = Blueprint("agreement", __name__)
